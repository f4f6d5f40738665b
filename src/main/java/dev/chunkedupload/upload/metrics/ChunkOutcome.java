package dev.chunkedupload.upload.metrics;

import java.util.Locale;

import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.UploadException;

/**
 * What became of a chunk, the {@code outcome} tag of {@code chunked_upload_chunks_total}:
 * a small fixed set, so that the number of series stays bounded whatever the clients
 * send.
 */
public enum ChunkOutcome {

	/** Its bytes are durable and recorded. */
	STORED,

	/** It was stored before (numbered chunks sent again); nothing was written. */
	DUPLICATE,

	/**
	 * The core refused it: a limit, a wrong offset or length, an expired or unknown
	 * upload, another writer holding it. The client's doing, not the server's.
	 */
	REFUSED,

	/** The request body broke off (a client that went away). */
	INTERRUPTED,

	/** The server could not store it: the store or the database failed. */
	FAILED;

	/**
	 * The outcome of a chunk that ended with an exception.
	 * @param failure what the write threw
	 * @return the outcome
	 */
	public static ChunkOutcome of(RuntimeException failure) {
		if (failure instanceof ChunkInterruptedException) {
			return INTERRUPTED;
		}
		return (failure instanceof UploadException) ? REFUSED : FAILED;
	}

	/**
	 * The tag value.
	 * @return the lower-case name
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
