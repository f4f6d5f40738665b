package dev.chunkedupload.upload.error;

/**
 * The bytes do not fit the declared lengths: a chunk shorter or longer than it said,
 * bytes past the upload's total, or a total that changed.
 */
public class LengthMismatchException extends UploadException {

	public LengthMismatchException(String message) {
		super(message);

	}

}
