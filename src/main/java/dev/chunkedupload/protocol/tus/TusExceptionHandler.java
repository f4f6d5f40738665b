package dev.chunkedupload.protocol.tus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.problem.Problem;
import dev.chunkedupload.problem.ProblemTable;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageFullException;
import dev.chunkedupload.storage.StorageUnavailableException;
import dev.chunkedupload.upload.error.ChecksumMismatchException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidConcatenationException;
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

import org.springframework.dao.DataAccessException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.GONE;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.LOCKED;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE;
import static org.springframework.http.HttpStatus.PRECONDITION_FAILED;

/**
 * The core's refusals in tus's terms. tus clients act on the status code (tus-js-client
 * retries 409, 423 and 5xx, and gives up on other 4xx), so the codes are the protocol's:
 * 409 with the current {@code Upload-Offset} for an offset mismatch, 412 with
 * {@code Tus-Version}, 413 for bytes past the length or the limits, 415 for a wrong media
 * type, 423 while another request writes the upload, 460 for a checksum mismatch. Bodies
 * are {@code application/problem+json} for people and logs.
 */
@RestControllerAdvice(basePackageClasses = TusController.class)
class TusExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(TusExceptionHandler.class);

	private static final ProblemTable problems = new ProblemTable()
		.on(TusRequestException.class, TusExceptionHandler::refused)
		.on(UploadRefusedException.class, FORBIDDEN, "upload-refused")
		.on(UploadNotFoundException.class, NOT_FOUND, "upload-not-found")
		.on(UploadExpiredException.class, GONE, "upload-expired")
		.on(OffsetMismatchException.class, CONFLICT, "offset-mismatch",
				(problem, ex) -> problem.with("offset", ex.getExpected())
					.header(TusController.UPLOAD_OFFSET, String.valueOf(ex.getExpected())))
		.on(UploadBusyException.class, LOCKED, "upload-busy")
		.on(UploadTooLargeException.class, PAYLOAD_TOO_LARGE, "upload-too-large")
		.on(ChunkTooLargeException.class, PAYLOAD_TOO_LARGE, "chunk-too-large",
				(problem, ex) -> problem.detail(
						ex.getMessage() + "; a PATCH with Upload-Checksum is checked whole, so send smaller chunks"))
		// From the core, this can only be bytes past the upload's length.
		.on(LengthMismatchException.class, PAYLOAD_TOO_LARGE, "length-exceeded")
		.on(ChecksumMismatchException.class, TusController.checksumMismatch(), "checksum-mismatch",
				(problem, ex) -> problem.title("Checksum Mismatch")
					.detail("The body's checksum is " + ex.getActual() + ", not " + ex.getExpected()
							+ "; nothing of it was stored"))
		.on(UploadAlreadyCompleteException.class, CONFLICT, "upload-complete")
		.on(ChunkInterruptedException.class, BAD_REQUEST, "body-interrupted",
				(problem, ex) -> logger.info("tus request body broke off: {}", ex.getMessage()))
		.on(InvalidConcatenationException.class, BAD_REQUEST, "invalid-concat")
		// 403, not 413: tus-js-client gives up on either, and 413 means the upload itself
		// is past Tus-Max-Size.
		.on(QuotaExceededException.class, FORBIDDEN, "quota-exceeded",
				(problem, ex) -> problem.with("quota", ex.getQuota().property()).with("limit", ex.getLimit()))
		// Any other refusal of the core is the client's doing, never the server's.
		.on(UploadException.class, BAD_REQUEST, "invalid-request")
		.onStorageOutages(StorageFullException.class, StorageUnavailableException.class,
				StorageUnavailableException.RETRY_AFTER_SECONDS)
		.on(StorageException.class, INTERNAL_SERVER_ERROR, "storage-failure",
				(problem, ex) -> problem
					.detail("The server could not store or read the bytes; the upload's offset tells what is kept"))
		.onDatabaseFailures();

	@ExceptionHandler({ TusRequestException.class, UploadException.class, StorageException.class,
			DataAccessException.class, TransactionException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex) {
		return problems.answer(ex);
	}

	private static Problem refused(TusRequestException ex) {
		Problem problem = Problem.of(ex.getStatus(), ex.getType(), ex.getMessage());
		if (ex.getStatus().value() == PRECONDITION_FAILED.value()) {
			// A client of another version learns which one this server speaks.
			problem.header(TusController.TUS_VERSION, TusController.VERSION);
		}
		return problem;
	}

}
