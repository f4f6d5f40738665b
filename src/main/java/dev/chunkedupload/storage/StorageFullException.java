package dev.chunkedupload.storage;

/**
 * The store has no room left (the file system's {@code ENOSPC} or {@code EDQUOT}): the
 * piece being written was not acknowledged and its bytes are cut back, so the same
 * request succeeds once an operator frees space. The adapters answer 507 Insufficient
 * Storage.
 */
public class StorageFullException extends StorageUnavailableException {

	public StorageFullException(String message, Throwable cause) {
		super(message, cause);
	}

}
