package dev.chunkedupload.upload;

/**
 * A request whose values contradict each other or the upload, in a way no other exception
 * names.
 */
public class InvalidUploadRequestException extends UploadException {

	public InvalidUploadRequestException(String message) {
		super(message);

	}

}
