package dev.chunkedupload.upload.error;

/**
 * Another request holds the upload's lease; nothing was written.
 */
public class UploadBusyException extends UploadException {

	public UploadBusyException(String uploadId) {
		super("Upload " + uploadId + " is being written by another request");

	}

}
