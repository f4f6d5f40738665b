package dev.chunkedupload.upload.error;

/**
 * A request the upload core refuses. Each subclass names one problem; protocol adapters
 * turn them into their own status codes.
 */
public abstract class UploadException extends RuntimeException {

	protected UploadException(String message) {
		super(message);
	}

	protected UploadException(String message, Throwable cause) {
		super(message, cause);
	}

}
