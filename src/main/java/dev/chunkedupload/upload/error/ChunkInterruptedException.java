package dev.chunkedupload.upload.error;

/**
 * The client stopped sending before the chunk was whole.
 */
public class ChunkInterruptedException extends UploadException {

	public ChunkInterruptedException(String message, Throwable cause) {
		super(message, cause);

	}

}
