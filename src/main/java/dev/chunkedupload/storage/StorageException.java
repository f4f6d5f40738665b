package dev.chunkedupload.storage;

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

}
