package dev.chunkedupload.upload.error;

/**
 * The application refused to let an upload be created (its pre-create hook said no, or
 * could not be asked and the server is set to refuse then). Nothing of the upload exists.
 * Protocols answer 403 with the message, which the refusing party wrote and the server
 * sanitised.
 */
public class UploadRefusedException extends UploadException {

	public UploadRefusedException(String message) {
		super(message);
	}

}
