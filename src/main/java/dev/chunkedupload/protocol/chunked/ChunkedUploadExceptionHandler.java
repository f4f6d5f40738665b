package dev.chunkedupload.protocol.chunked;

import org.apache.tomcat.util.http.InvalidParameterException;

import dev.chunkedupload.multipart.MalformedMultipartException;
import dev.chunkedupload.multipart.MultipartTooLargeException;
import dev.chunkedupload.problem.Problem;
import dev.chunkedupload.problem.ProblemTable;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageFullException;
import dev.chunkedupload.storage.StorageUnavailableException;
import dev.chunkedupload.upload.error.ChecksumMismatchException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadRefusedException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

import org.springframework.dao.DataAccessException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.GONE;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE;

/**
 * The core's refusals in this protocol's terms: as the original answered them (400 for
 * most client errors, 404, 410), but always as {@code application/problem+json} with a
 * {@code detail}, and with the server's {@code offset} when a chunk started elsewhere.
 */
@RestControllerAdvice(basePackageClasses = ChunkedUploadController.class)
class ChunkedUploadExceptionHandler {

	private static final ProblemTable problems = new ProblemTable()
		.on(BadChunkRequestException.class, (ex) -> Problem.of(BAD_REQUEST, ex.getType(), ex.getMessage()))
		.on(UploadRefusedException.class, FORBIDDEN, "upload-refused")
		.on(UploadNotFoundException.class, NOT_FOUND, "upload-not-found")
		.on(UploadExpiredException.class, GONE, "upload-expired")
		.on(OffsetMismatchException.class, BAD_REQUEST, "offset-mismatch",
				(problem, ex) -> problem.with("offset", ex.getExpected()))
		.on(LengthMismatchException.class, BAD_REQUEST, "length-mismatch")
		.on(UploadTooLargeException.class, BAD_REQUEST, "upload-too-large",
				(problem, ex) -> problem.with("max_bytes", ex.getLimit()))
		.on(ChunkTooLargeException.class, PAYLOAD_TOO_LARGE, "chunk-too-large",
				(problem, ex) -> problem.with("max_chunk_size", ex.getLimit()))
		.on(MultipartTooLargeException.class, PAYLOAD_TOO_LARGE, "chunk-too-large",
				(problem, ex) -> problem.detail("The request body is larger than the chunk limit")
					.with("max_chunk_size", ex.getLimit()))
		.on(InvalidParameterException.class, BAD_REQUEST, "invalid-parameters", (problem, ex) -> problem.detail(
				"The query string or form is malformed: a value that is not percent-encoded UTF-8, or a pair without a name"))
		.on(MalformedMultipartException.class, BAD_REQUEST, "malformed-multipart",
				(problem, ex) -> problem.detail("The multipart body is malformed: " + ex.getMessage()))
		.on(UploadAlreadyCompleteException.class, BAD_REQUEST, "upload-complete")
		.on(UploadIncompleteException.class, BAD_REQUEST, "upload-incomplete",
				(problem, ex) -> problem.with("offset", ex.getOffset()).with("total", ex.getTotal()))
		.on(ChecksumMismatchException.class, BAD_REQUEST, "md5-mismatch",
				(problem, ex) -> problem.detail(
						"The md5 " + ex.getExpected() + " does not match the uploaded bytes; the upload stays open"))
		.on(UploadBusyException.class, CONFLICT, "upload-busy")
		.on(QuotaExceededException.class, FORBIDDEN, "quota-exceeded",
				(problem, ex) -> problem.with("quota", ex.getQuota().property()).with("limit", ex.getLimit()))
		.on(ChunkInterruptedException.class, BAD_REQUEST, "chunk-interrupted",
				(problem, ex) -> problem.detail(ex.getMessage() + "; nothing of it was kept"))
		.on(InvalidUploadRequestException.class, BAD_REQUEST, "invalid-request")
		.onStorageOutages(StorageFullException.class, StorageUnavailableException.class,
				StorageUnavailableException.RETRY_AFTER_SECONDS)
		.on(StorageException.class, INTERNAL_SERVER_ERROR, "storage-failure",
				(problem, ex) -> problem
					.detail("The server could not store or read the bytes; nothing was acknowledged"))
		.onDatabaseFailures();

	// One by one rather than UploadException: a refusal without a row here stays what it
	// was, a server error.
	@ExceptionHandler({ BadChunkRequestException.class, UploadNotFoundException.class, UploadExpiredException.class,
			OffsetMismatchException.class, LengthMismatchException.class, UploadTooLargeException.class,
			ChunkTooLargeException.class, MalformedMultipartException.class, InvalidParameterException.class,
			UploadAlreadyCompleteException.class, UploadIncompleteException.class, ChecksumMismatchException.class,
			UploadBusyException.class, ChunkInterruptedException.class, InvalidUploadRequestException.class,
			QuotaExceededException.class, UploadRefusedException.class, StorageException.class,
			DataAccessException.class, TransactionException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex) {
		return problems.answer(ex);
	}

}
