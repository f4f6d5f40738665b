package dev.chunkedupload.protocol.resumable;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;

import dev.chunkedupload.multipart.MalformedMultipartException;
import dev.chunkedupload.multipart.MultipartTooLargeException;
import dev.chunkedupload.problem.Problem;
import dev.chunkedupload.problem.ProblemTable;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageFullException;
import dev.chunkedupload.storage.StorageUnavailableException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadRefusedException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.LOCKED;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE;

/**
 * The core's refusals in this protocol's terms, as {@code application/problem+json}. The
 * status codes are chosen for what the two clients do with them: both give up on 404,
 * 413, 415, 500 and 501 (resumable.js also on 400, 401, 403 and 409) and retry anything
 * else. So a chunk being written by another request is 423 (retried), never 409; a quota
 * exceeded is 403 for resumable.js and 413 for flow.js (each one's final answer); and an
 * expired upload is 404 (the client stops and reports the file as failed; sending it
 * again starts a new upload), never 410, which both would retry forever.
 */
@RestControllerAdvice(basePackageClasses = ResumableController.class)
class ResumableExceptionHandler {

	// What a user can do once the client has given up on the 404.
	private static final String START_AGAIN = ": its chunks are gone. Send the file again from the start to begin a new upload";

	private static final ProblemTable problems = new ProblemTable()
		.on(BadResumableRequestException.class, (ex) -> Problem.of(BAD_REQUEST, ex.getType(), ex.getMessage()))
		.on(InvalidUploadRequestException.class, BAD_REQUEST, "invalid-parameter")
		.on(LengthMismatchException.class, BAD_REQUEST, "length-mismatch")
		.on(ChunkInterruptedException.class, BAD_REQUEST, "chunk-interrupted",
				(problem, ex) -> problem.detail(ex.getMessage() + "; nothing of it was kept"))
		.on(InvalidParameterException.class, BAD_REQUEST, "invalid-parameters", (problem, ex) -> problem.detail(
				"The query string or form is malformed: a value that is not percent-encoded UTF-8, or a pair without a name"))
		.on(MalformedMultipartException.class, BAD_REQUEST, "malformed-multipart",
				(problem, ex) -> problem.detail("The multipart body is malformed: " + ex.getMessage()))
		.on(UploadRefusedException.class, FORBIDDEN, "upload-refused")
		.on(UploadNotFoundException.class, NOT_FOUND, "upload-not-found")
		.on(UploadExpiredException.class, NOT_FOUND, "upload-expired",
				(problem, ex) -> problem.detail(ex.getMessage() + START_AGAIN))
		.on(UploadAlreadyCompleteException.class, BAD_REQUEST, "upload-complete")
		.on(UploadTooLargeException.class, PAYLOAD_TOO_LARGE, "upload-too-large",
				(problem, ex) -> problem.with("max_bytes", ex.getLimit()))
		.on(ChunkTooLargeException.class, PAYLOAD_TOO_LARGE, "chunk-too-large",
				(problem, ex) -> problem.with("max_chunk_size", ex.getLimit()))
		.on(MultipartTooLargeException.class, PAYLOAD_TOO_LARGE, "chunk-too-large",
				(problem, ex) -> problem.detail("The request body is larger than the chunk limit allows")
					.with("max_request_size", ex.getLimit()))
		.on(QuotaExceededException.class, FORBIDDEN, "quota-exceeded",
				(problem, ex) -> problem.with("quota", ex.getQuota().property()).with("limit", ex.getLimit()))
		.on(UploadBusyException.class, LOCKED, "chunk-busy",
				(problem, ex) -> problem
					.detail("This chunk (or its upload) is being written by another request; try again")
					.header(HttpHeaders.RETRY_AFTER, "1"))
		.onStorageOutages(StorageFullException.class, StorageUnavailableException.class,
				StorageUnavailableException.RETRY_AFTER_SECONDS)
		.on(StorageException.class, INTERNAL_SERVER_ERROR, "storage-failure",
				(problem, ex) -> problem
					.detail("The server could not store or read the bytes; nothing was acknowledged"))
		.onDatabaseFailures();

	// One by one rather than UploadException: a refusal without a row here stays what it
	// was, a server error.
	@ExceptionHandler({ BadResumableRequestException.class, InvalidUploadRequestException.class,
			LengthMismatchException.class, ChunkInterruptedException.class, MalformedMultipartException.class,
			InvalidParameterException.class, UploadNotFoundException.class, UploadExpiredException.class,
			UploadAlreadyCompleteException.class, UploadTooLargeException.class, ChunkTooLargeException.class,
			UploadBusyException.class, QuotaExceededException.class, UploadRefusedException.class,
			StorageException.class, DataAccessException.class, TransactionException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex, HttpServletRequest request) {
		ResponseEntity<ProblemDetail> answer = problems.answer(ex);
		if (ex instanceof QuotaExceededException
				&& ResumableParameters.FLOW.equals(request.getAttribute(ResumableController.PREFIX_ATTRIBUTE))) {
			// flow.js retries a 403 but gives up on 413; resumable.js the other way
			// round.
			answer.getBody().setStatus(PAYLOAD_TOO_LARGE.value());
			return ResponseEntity.status(PAYLOAD_TOO_LARGE).headers(answer.getHeaders()).body(answer.getBody());
		}
		return answer;
	}

}
