package dev.chunkedupload.upload.error;

/**
 * A final upload cannot be built from the partial uploads it names: one does not exist
 * (or belongs to another user), is no partial upload, or can no longer complete.
 */
public class InvalidConcatenationException extends UploadException {

	public InvalidConcatenationException(String message) {
		super(message);
	}

}
