package dev.chunkedupload.web;

import dev.chunkedupload.problem.ProblemTable;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.NOT_FOUND;

/**
 * The core's refusals for the protocol-neutral API, as problem details.
 */
@RestControllerAdvice(basePackageClasses = UploadsController.class)
class UploadsExceptionHandler {

	private static final ProblemTable problems = new ProblemTable()
		.on(UploadNotFoundException.class, NOT_FOUND, "upload-not-found")
		.on(UploadBusyException.class, CONFLICT, "upload-busy")
		.on(StorageException.class, INTERNAL_SERVER_ERROR, "storage-failure",
				(problem, ex) -> problem.detail("The server could not read the stored bytes"));

	@ExceptionHandler({ UploadNotFoundException.class, UploadBusyException.class, StorageException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex) {
		return problems.answer(ex);
	}

}
