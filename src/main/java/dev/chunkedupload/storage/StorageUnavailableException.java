package dev.chunkedupload.storage;

/**
 * The store cannot be reached for the moment (an object store that throttles, times out
 * or answers 5xx; an I/O error of a file system, see {@link StorageException#io}):
 * nothing was acknowledged, and the same request may succeed later. The adapters answer
 * 503 with {@code Retry-After}, which clients retry.
 */
public class StorageUnavailableException extends StorageException {

	/** How long a client should wait before it tries again, in seconds. */
	public static final int RETRY_AFTER_SECONDS = 5;

	public StorageUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
