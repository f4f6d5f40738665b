package dev.chunkedupload.upload.error;

/**
 * The upload is complete and takes no more bytes.
 */
public class UploadAlreadyCompleteException extends UploadException {

	public UploadAlreadyCompleteException(String uploadId) {
		super("Upload " + uploadId + " is already complete");

	}

}
