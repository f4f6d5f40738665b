package dev.chunkedupload.upload.model;

import dev.chunkedupload.upload.error.InvalidUploadRequestException;

/**
 * What a client says about a new upload beyond its bytes.
 *
 * @param filename the client's file name, sanitised by the core, or {@code null}
 * @param contentType the media type, already checked by the adapter, or {@code null}
 * @param clientMetadata the client's metadata as it sent it (only printable ASCII, the
 * adapter validates it), kept to be echoed, or {@code null}
 * @param concatRole the upload's role in a concatenation, or {@code null} for an ordinary
 * upload
 */
public record UploadDetails(String filename, String contentType, String clientMetadata, ConcatRole concatRole) {

	/** The longest metadata kept; the column's size. */
	public static final int MAX_METADATA_LENGTH = 8192;

	/** The longest media type kept; the column's size. */
	public static final int MAX_CONTENT_TYPE_LENGTH = 255;

	public UploadDetails {
		if (clientMetadata != null && clientMetadata.length() > MAX_METADATA_LENGTH) {
			throw new InvalidUploadRequestException("Metadata longer than " + MAX_METADATA_LENGTH + " characters");
		}
		if (contentType != null && contentType.length() > MAX_CONTENT_TYPE_LENGTH) {
			throw new InvalidUploadRequestException(
					"Media type longer than " + MAX_CONTENT_TYPE_LENGTH + " characters");
		}
	}

}
