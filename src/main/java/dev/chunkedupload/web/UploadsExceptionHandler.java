package dev.chunkedupload.web;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The core's refusals for the protocol-neutral API, as problem details.
 */
@RestControllerAdvice(basePackageClasses = UploadsController.class)
class UploadsExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(UploadsExceptionHandler.class);

	@ExceptionHandler
	ProblemDetail notFound(UploadNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "upload-not-found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail busy(UploadBusyException ex) {
		return problem(HttpStatus.CONFLICT, "upload-busy", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail storage(StorageException ex) {
		logger.error("Storage failure", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "storage-failure",
				"The server could not read the stored bytes");
	}

	private static ProblemDetail problem(HttpStatus status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("/problems/" + type));
		return problem;
	}

}
