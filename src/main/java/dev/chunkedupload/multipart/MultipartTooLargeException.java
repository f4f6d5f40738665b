package dev.chunkedupload.multipart;

/**
 * A multipart body longer than the reader allows, counted over everything it reads: the
 * preamble, every part's headers and bytes.
 */
public class MultipartTooLargeException extends MalformedMultipartException {

	private final long limit;

	public MultipartTooLargeException(long limit) {
		super("The multipart body is longer than " + limit + " bytes");
		this.limit = limit;
	}

	public long getLimit() {
		return this.limit;
	}

}
