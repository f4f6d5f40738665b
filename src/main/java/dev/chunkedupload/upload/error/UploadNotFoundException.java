package dev.chunkedupload.upload.error;

/**
 * No such upload for this owner (or it was aborted): the same answer for another user's
 * upload, so ids cannot be probed.
 */
public class UploadNotFoundException extends UploadException {

	public UploadNotFoundException(String uploadId) {
		super("No upload " + uploadId);

	}

}
