package dev.chunkedupload.upload.error;

/**
 * The upload already belongs to an application record; it cannot be attached to another.
 */
public class UploadAlreadyAttachedException extends UploadException {

	public UploadAlreadyAttachedException(String uploadId) {
		super("Upload " + uploadId + " is already attached to a record");
	}

}
