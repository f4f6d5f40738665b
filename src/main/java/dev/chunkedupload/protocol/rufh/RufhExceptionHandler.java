package dev.chunkedupload.protocol.rufh;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.problem.Problem;
import dev.chunkedupload.problem.ProblemTable;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageFullException;
import dev.chunkedupload.storage.StorageUnavailableException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadTooLargeException;
import dev.chunkedupload.upload.error.UploadRefusedException;
import dev.chunkedupload.upload.model.UploadProperties;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.CONTENT_TOO_LARGE;
import static org.springframework.http.HttpStatus.GONE;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.NOT_FOUND;

/**
 * The core's refusals in the draft's terms: 409 with the problem type
 * {@code mismatching-upload-offset} (members {@code expected-offset} and
 * {@code provided-offset}, and the right {@code Upload-Offset}), 400
 * {@code inconsistent-upload-length} for lengths that disagree, 404 for an upload the
 * caller does not have, 410 once it expired. The draft's own problem types carry their
 * IANA type URIs; the others this server's {@code /problems/<slug>}.
 */
@RestControllerAdvice(basePackageClasses = RufhController.class)
class RufhExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(RufhExceptionHandler.class);

	private static final Set<String> DRAFT_TYPES = Set.of(Rufh.MISMATCHING_UPLOAD_OFFSET,
			Rufh.INCONSISTENT_UPLOAD_LENGTH, Rufh.COMPLETED_UPLOAD);

	private static final ProblemTable problems = new ProblemTable()
		.on(RufhRequestException.class, (ex) -> Problem.of(ex.getStatus(), ex.getType(), ex.getMessage()))
		.on(UploadRefusedException.class, FORBIDDEN, "upload-refused")
		.on(UploadNotFoundException.class, NOT_FOUND, "upload-not-found")
		.on(UploadExpiredException.class, GONE, "upload-expired")
		.on(OffsetMismatchException.class, CONFLICT, Rufh.MISMATCHING_UPLOAD_OFFSET,
				(problem, ex) -> problem.title("Mismatching Upload Offset")
					.with("expected-offset", ex.getExpected())
					.with("provided-offset", ex.getActual())
					.header(Rufh.UPLOAD_OFFSET, String.valueOf(ex.getExpected())))
		.on(UploadBusyException.class, CONFLICT, "upload-busy")
		.on(UploadTooLargeException.class, CONTENT_TOO_LARGE, "upload-too-large")
		.on(ChunkTooLargeException.class, CONTENT_TOO_LARGE, "append-too-large")
		// From the core, this can only be bytes past the upload's length.
		.on(LengthMismatchException.class, BAD_REQUEST, Rufh.INCONSISTENT_UPLOAD_LENGTH,
				(problem, ex) -> problem.title("Inconsistent Upload Length"))
		.on(UploadAlreadyCompleteException.class, CONFLICT, "upload-complete")
		// 403, not 413: a 413 would name Upload-Limit, which a quota is not.
		.on(QuotaExceededException.class, FORBIDDEN, "quota-exceeded",
				(problem, ex) -> problem.with("quota", ex.getQuota().property()).with("limit", ex.getLimit()))
		.on(ChunkInterruptedException.class, BAD_REQUEST, "body-interrupted",
				(problem, ex) -> logger.info("rufh request body broke off: {}", ex.getMessage()))
		// Any other refusal of the core is the client's doing, never the server's.
		.on(UploadException.class, BAD_REQUEST, "invalid-request")
		.onStorageOutages(StorageFullException.class, StorageUnavailableException.class,
				StorageUnavailableException.RETRY_AFTER_SECONDS)
		.on(StorageException.class, INTERNAL_SERVER_ERROR, "storage-failure",
				(problem, ex) -> problem
					.detail("The server could not store or read the bytes; the upload's offset tells what is kept"))
		.onDatabaseFailures();

	/**
	 * The limits a 413 names, as the draft asks of a refusal for a violated limit
	 * ({@code Upload-Limit} SHOULD be in it): the sizes, not the lifetime, which belongs
	 * to an upload the refusal may not have.
	 */
	private final String sizeLimits;

	RufhExceptionHandler(UploadProperties properties) {
		Map<String, Long> members = new LinkedHashMap<>();
		members.put("max-size", properties.maxBytes().toBytes());
		members.put("max-append-size", properties.maxChunkSize().toBytes());
		this.sizeLimits = StructuredFields.dictionary(members);
	}

	@ExceptionHandler({ RufhRequestException.class, UploadException.class, StorageException.class,
			DataAccessException.class, TransactionException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex, HttpServletRequest request) {
		ResponseEntity<ProblemDetail> answer = problems.answer(ex);
		ProblemDetail body = answer.getBody();
		String slug = body.getType().toString().substring(body.getType().toString().lastIndexOf('/') + 1);
		if (DRAFT_TYPES.contains(slug)) {
			body.setType(URI.create(Rufh.PROBLEM_TYPES + slug));
		}
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(answer.getHeaders());
		String version = request.getHeader(InteropVersion.HEADER);
		if (version != null && StructuredFields.integer(version) != null) {
			headers.set(InteropVersion.HEADER, String.valueOf(StructuredFields.integer(version)));
		}
		if (answer.getStatusCode().value() == CONTENT_TOO_LARGE.value()) {
			headers.set(Rufh.UPLOAD_LIMIT, this.sizeLimits);
		}
		return ResponseEntity.status(answer.getStatusCode()).headers(headers).body(body);
	}

}
