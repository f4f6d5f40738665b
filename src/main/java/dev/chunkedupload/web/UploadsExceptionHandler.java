package dev.chunkedupload.web;

import org.apache.tomcat.util.http.InvalidParameterException;

import dev.chunkedupload.problem.ProblemTable;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageFullException;
import dev.chunkedupload.storage.StorageUnavailableException;
import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;

import org.springframework.dao.DataAccessException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.BAD_REQUEST;
import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.FORBIDDEN;
import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.NOT_FOUND;

/**
 * The core's refusals for the protocol-neutral API, as problem details.
 */
@RestControllerAdvice(basePackageClasses = UploadsController.class)
class UploadsExceptionHandler {

	private static final ProblemTable problems = new ProblemTable()
		.on(UploadNotFoundException.class, NOT_FOUND, "upload-not-found")
		.on(InvalidParameterException.class, BAD_REQUEST, "invalid-parameters", (problem, ex) -> problem.detail(
				"The query string or form is malformed: a value that is not percent-encoded UTF-8, or a pair without a name"))
		.on(UploadBusyException.class, CONFLICT, "upload-busy")
		.on(QuotaExceededException.class, FORBIDDEN, "quota-exceeded",
				(problem, ex) -> problem.with("quota", ex.getQuota().property()).with("limit", ex.getLimit()))
		.onStorageOutages(StorageFullException.class, StorageUnavailableException.class,
				StorageUnavailableException.RETRY_AFTER_SECONDS)
		.on(StorageException.class, INTERNAL_SERVER_ERROR, "storage-failure",
				(problem, ex) -> problem.detail("The server could not read the stored bytes"))
		.onDatabaseFailures();

	@ExceptionHandler({ UploadNotFoundException.class, UploadBusyException.class, QuotaExceededException.class,
			InvalidParameterException.class, StorageException.class, DataAccessException.class,
			TransactionException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex) {
		return problems.answer(ex);
	}

}
