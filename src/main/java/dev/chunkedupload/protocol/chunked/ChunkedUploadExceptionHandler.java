package dev.chunkedupload.protocol.chunked;

import java.net.URI;

import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.ChecksumMismatchException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The core's refusals in this protocol's terms: as the original answered them (400 for
 * most client errors, 404, 410), but always as {@code application/problem+json} with a
 * {@code detail}, and with the server's {@code offset} when a chunk started elsewhere.
 */
@RestControllerAdvice(basePackageClasses = ChunkedUploadController.class)
class ChunkedUploadExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ChunkedUploadExceptionHandler.class);

	@ExceptionHandler
	ProblemDetail badRequest(BadChunkRequestException ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getType(), ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail notFound(UploadNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "upload-not-found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail expired(UploadExpiredException ex) {
		return problem(HttpStatus.GONE, "upload-expired", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail offsetMismatch(OffsetMismatchException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "offset-mismatch", ex.getMessage());
		problem.setProperty("offset", ex.getExpected());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail lengthMismatch(LengthMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, "length-mismatch", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail uploadTooLarge(UploadTooLargeException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "upload-too-large", ex.getMessage());
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
				"The request body is larger than the chunk limit");
		problem.setProperty("max_chunk_size", ex.getPermitted());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail malformedMultipart(FileUploadException ex) {
		return problem(HttpStatus.BAD_REQUEST, "malformed-multipart",
				"The multipart body is malformed: " + ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail alreadyComplete(UploadAlreadyCompleteException ex) {
		return problem(HttpStatus.BAD_REQUEST, "upload-complete", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail incomplete(UploadIncompleteException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "upload-incomplete", ex.getMessage());
		problem.setProperty("offset", ex.getOffset());
		problem.setProperty("total", ex.getTotal());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail checksumMismatch(ChecksumMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, "md5-mismatch",
				"The md5 " + ex.getExpected() + " does not match the uploaded bytes; the upload stays open");
	}

	@ExceptionHandler
	ProblemDetail busy(UploadBusyException ex) {
		return problem(HttpStatus.CONFLICT, "upload-busy", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail interrupted(ChunkInterruptedException ex) {
		return problem(HttpStatus.BAD_REQUEST, "chunk-interrupted", ex.getMessage() + "; nothing of it was kept");
	}

	@ExceptionHandler
	ProblemDetail invalid(InvalidUploadRequestException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", ex.getMessage());
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
