package dev.chunkedupload.upload.error;

/**
 * Completion was asked for while bytes are still missing.
 */
public class UploadIncompleteException extends UploadException {

	private final long offset;

	private final long total;

	public UploadIncompleteException(long offset, long total) {
		super("Upload has " + offset + " of " + total + " bytes");
		this.offset = offset;
		this.total = total;
	}

	public long getOffset() {
		return this.offset;
	}

	public long getTotal() {
		return this.total;
	}

}
