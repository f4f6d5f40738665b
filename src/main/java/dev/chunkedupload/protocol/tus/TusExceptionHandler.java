package dev.chunkedupload.protocol.tus;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.ChecksumMismatchException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidConcatenationException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

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

	@ExceptionHandler
	ResponseEntity<ProblemDetail> request(TusRequestException ex) {
		ResponseEntity.BodyBuilder response = ResponseEntity.status(ex.getStatus());
		if (ex.getStatus().value() == HttpStatus.PRECONDITION_FAILED.value()) {
			response.header(TusController.TUS_VERSION, TusController.VERSION);
		}
		return response.body(problem(ex.getStatus(), ex.getType(), ex.getMessage()));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> notFound(UploadNotFoundException ex) {
		return answer(HttpStatus.NOT_FOUND, "upload-not-found", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> expired(UploadExpiredException ex) {
		return answer(HttpStatus.GONE, "upload-expired", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> offsetMismatch(OffsetMismatchException ex) {
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "offset-mismatch", ex.getMessage());
		problem.setProperty("offset", ex.getExpected());
		return ResponseEntity.status(HttpStatus.CONFLICT)
			.header(TusController.UPLOAD_OFFSET, String.valueOf(ex.getExpected()))
			.body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> busy(UploadBusyException ex) {
		return answer(HttpStatus.LOCKED, "upload-busy", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> uploadTooLarge(UploadTooLargeException ex) {
		return answer(HttpStatus.PAYLOAD_TOO_LARGE, "upload-too-large", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> chunkTooLarge(ChunkTooLargeException ex) {
		return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE)
			.body(problem(HttpStatus.PAYLOAD_TOO_LARGE, "chunk-too-large",
					ex.getMessage() + "; a PATCH with Upload-Checksum is checked whole, so send smaller chunks"));
	}

	/** From the core, this can only be bytes past the upload's length. */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> lengthExceeded(LengthMismatchException ex) {
		return answer(HttpStatus.PAYLOAD_TOO_LARGE, "length-exceeded", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> checksumMismatch(ChecksumMismatchException ex) {
		ProblemDetail problem = problem(TusController.checksumMismatch(), "checksum-mismatch", "The body's checksum is "
				+ ex.getActual() + ", not " + ex.getExpected() + "; nothing of it was stored");
		problem.setTitle("Checksum Mismatch");
		return ResponseEntity.status(TusController.checksumMismatch()).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> alreadyComplete(UploadAlreadyCompleteException ex) {
		return answer(HttpStatus.CONFLICT, "upload-complete", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> interrupted(ChunkInterruptedException ex) {
		logger.info("tus request body broke off: {}", ex.getMessage());
		return answer(HttpStatus.BAD_REQUEST, "body-interrupted", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidConcatenation(InvalidConcatenationException ex) {
		return answer(HttpStatus.BAD_REQUEST, "invalid-concat", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalid(InvalidUploadRequestException ex) {
		return answer(HttpStatus.BAD_REQUEST, "invalid-request", ex);
	}

	/** Any other refusal of the core is the client's doing, never the server's. */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> refused(UploadException ex) {
		return answer(HttpStatus.BAD_REQUEST, "invalid-request", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> storage(StorageException ex) {
		logger.error("Storage failure", ex);
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
			.body(problem(HttpStatus.INTERNAL_SERVER_ERROR, "storage-failure",
					"The server could not store or read the bytes; the upload's offset tells what is kept"));
	}

	private static ResponseEntity<ProblemDetail> answer(HttpStatus status, String type, Exception ex) {
		return ResponseEntity.status(status).body(problem(status, type, ex.getMessage()));
	}

	private static ProblemDetail problem(HttpStatusCode status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("/problems/" + type));
		return problem;
	}

}
