package dev.chunkedupload.protocol.resumable;

import java.net.URI;

import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The core's refusals in this protocol's terms, as {@code application/problem+json}. The
 * status codes are chosen for what the two clients do with them: both give up on 404,
 * 413, 415, 500 and 501 (resumable.js also on 400, 401, 403 and 409) and retry anything
 * else. So a chunk being written by another request is 423 (retried), never 409; and an
 * expired upload is 404 (the client stops and reports the file as failed; sending it
 * again starts a new upload), never 410, which both would retry forever.
 */
@RestControllerAdvice(basePackageClasses = ResumableController.class)
class ResumableExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ResumableExceptionHandler.class);

	@ExceptionHandler
	ProblemDetail badRequest(BadResumableRequestException ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getType(), ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail invalid(InvalidUploadRequestException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-parameter", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail lengthMismatch(LengthMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, "length-mismatch", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail interrupted(ChunkInterruptedException ex) {
		return problem(HttpStatus.BAD_REQUEST, "chunk-interrupted", ex.getMessage() + "; nothing of it was kept");
	}

	@ExceptionHandler
	ProblemDetail malformedMultipart(FileUploadException ex) {
		if (ex instanceof FileUploadSizeException size) {
			return requestTooLarge(size);
		}
		return problem(HttpStatus.BAD_REQUEST, "malformed-multipart",
				"The multipart body is malformed: " + ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail notFound(UploadNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "upload-not-found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail expired(UploadExpiredException ex) {
		return problem(HttpStatus.NOT_FOUND, "upload-expired",
				ex.getMessage() + ": its chunks are gone. Send the file again from the start to begin a new upload");
	}

	@ExceptionHandler
	ProblemDetail alreadyComplete(UploadAlreadyCompleteException ex) {
		return problem(HttpStatus.BAD_REQUEST, "upload-complete", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail uploadTooLarge(UploadTooLargeException ex) {
		ProblemDetail problem = problem(HttpStatus.PAYLOAD_TOO_LARGE, "upload-too-large", ex.getMessage());
		problem.setProperty("max_bytes", ex.getLimit());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail chunkTooLarge(ChunkTooLargeException ex) {
		ProblemDetail problem = problem(HttpStatus.PAYLOAD_TOO_LARGE, "chunk-too-large", ex.getMessage());
		problem.setProperty("max_chunk_size", ex.getLimit());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail requestTooLarge(FileUploadSizeException ex) {
		ProblemDetail problem = problem(HttpStatus.PAYLOAD_TOO_LARGE, "chunk-too-large",
				"The request body is larger than the chunk limit allows");
		problem.setProperty("max_request_size", ex.getPermitted());
		return problem;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> busy(UploadBusyException ex) {
		ProblemDetail problem = problem(HttpStatus.LOCKED, "chunk-busy",
				"This chunk (or its upload) is being written by another request; try again");
		return ResponseEntity.status(HttpStatus.LOCKED).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
	}

	@ExceptionHandler
	ProblemDetail storage(StorageException ex) {
		logger.error("Storage failure", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "storage-failure",
				"The server could not store or read the bytes; nothing was acknowledged");
	}

	private static ProblemDetail problem(HttpStatus status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("/problems/" + type));
		return problem;
	}

}
