package dev.chunkedupload.upload.error;

/**
 * A request whose values contradict each other or the upload, in a way no other exception
 * names.
 */
public class InvalidUploadRequestException extends UploadException {

	public InvalidUploadRequestException(String message) {
		super(message);

	}

}
