package dev.chunkedupload.upload.error;

/**
 * A chunk does not start where the upload stands; nothing was written. Carries the
 * recorded offset so the client can continue from there.
 */
public class OffsetMismatchException extends UploadException {

	private final long expected;

	private final long actual;

	public OffsetMismatchException(long expected, long actual) {
		super("Chunk starts at " + actual + " but the upload is at " + expected);
		this.expected = expected;
		this.actual = actual;
	}

	/**
	 * The recorded offset of the upload.
	 * @return the offset the next chunk must start at
	 */
	public long getExpected() {
		return this.expected;
	}

	public long getActual() {
		return this.actual;
	}

}
