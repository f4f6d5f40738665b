package dev.chunkedupload.upload.error;

/**
 * The upload stayed idle past its expiry; its bytes are gone or about to be.
 */
public class UploadExpiredException extends UploadException {

	public UploadExpiredException(String uploadId) {
		super("Upload " + uploadId + " has expired");

	}

}
