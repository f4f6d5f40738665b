package dev.chunkedupload.storage;

import java.io.IOException;

/**
 * The store could not do what it was asked: an I/O error, or stored bytes that disagree
 * with what the caller recorded.
 */
public class StorageException extends RuntimeException {

	public StorageException(String message) {
		super(message);
	}

	public StorageException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * The exception for an I/O error of the store. The bytes of a piece that failed are
	 * never acknowledged, so the failure is one a client retries: a full device (which
	 * the JDK reports only by the OS's message, not by a type) is
	 * {@link StorageFullException}, anything else {@link StorageUnavailableException}.
	 * What contradicts the records is not an I/O error and keeps the plain type.
	 * @param message what the store was doing
	 * @param cause the I/O error
	 * @return the exception to throw
	 */
	public static StorageException io(String message, IOException cause) {
		for (Throwable candidate = cause; candidate != null; candidate = candidate.getCause()) {
			String text = candidate.getMessage();
			if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
				return new StorageFullException(message + ": no space left", cause);
			}
		}
		return new StorageUnavailableException(message, cause);
	}

}
