package dev.chunkedupload.upload.error;

/**
 * The checksum the client sent differs from the one of the stored bytes.
 */
public class ChecksumMismatchException extends UploadException {

	private final String expected;

	private final String actual;

	public ChecksumMismatchException(String expected, String actual) {
		super("Checksum " + expected + " does not match the stored bytes' " + actual);
		this.expected = expected;
		this.actual = actual;
	}

	public String getExpected() {
		return this.expected;
	}

	public String getActual() {
		return this.actual;
	}

}
