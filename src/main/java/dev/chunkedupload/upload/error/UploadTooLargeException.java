package dev.chunkedupload.upload.error;

/**
 * The upload (declared or actually sent) is larger than the configured limit.
 */
public class UploadTooLargeException extends UploadException {

	private final long limit;

	public UploadTooLargeException(long limit) {
		super("Upload is larger than the limit of " + limit + " bytes");
		this.limit = limit;
	}

	public long getLimit() {
		return this.limit;
	}

}
