package dev.chunkedupload.upload.error;

/**
 * A single chunk is larger than the configured chunk limit.
 */
public class ChunkTooLargeException extends UploadException {

	private final long limit;

	public ChunkTooLargeException(long limit) {
		super("Chunk is larger than the limit of " + limit + " bytes");
		this.limit = limit;
	}

	public long getLimit() {
		return this.limit;
	}

}
