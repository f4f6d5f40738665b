package dev.chunkedupload.upload.model;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.chunkedupload.upload.error.InvalidUploadRequestException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what a client states about its uploads, beside the size limits of
 * {@link UploadProperties}: each is refused with a 4xx in the protocol's own shape when
 * exceeded, before anything is stored. The request line and headers are bounded by the
 * web server ({@code server.max-http-request-header-size}).
 *
 * @param multipartParts the most parts a multipart chunk may have before its file part
 * (the protocol's fields and anything else)
 * @param filenameLength the longest file name accepted, in characters; the name kept for
 * display is cut further, to 255, keeping its extension
 * @param metadataLength the longest tus {@code Upload-Metadata}, in characters (at most
 * 8192, the size of its column)
 * @param chunksPerUpload the most numbered chunks one resumable.js or flow.js upload may
 * have (each is a database row while the upload is in progress)
 * @param concatParts the most partial uploads one tus final upload may join
 */
@Validated
@ConfigurationProperties("chunked-upload.limits")
public record InputLimits(@DefaultValue("64") @Min(1) int multipartParts,
		@DefaultValue("1024") @Min(1) int filenameLength,
		@DefaultValue("8192") @Min(1) @Max(UploadDetails.MAX_METADATA_LENGTH) int metadataLength,
		@DefaultValue("100000") @Min(1) @Max(MAX_CHUNKS) int chunksPerUpload,
		@DefaultValue("1000") @Min(1) int concatParts) {

	/**
	 * The ceiling of {@link #chunksPerUpload}, kept by the core whatever is configured.
	 */
	public static final int MAX_CHUNKS = 100_000;

	/** The defaults, for code that is not configured (tests, tools). */
	public static InputLimits defaults() {
		return new InputLimits(64, 1024, UploadDetails.MAX_METADATA_LENGTH, MAX_CHUNKS, 1000);
	}

	/**
	 * Refuse a client's file name that is too long to be a name.
	 * @param filename the name as the client sent it, or {@code null}
	 * @throws InvalidUploadRequestException if it is longer than {@link #filenameLength}
	 */
	public void requireFilename(String filename) {
		if (filename != null && filename.length() > this.filenameLength) {
			throw new InvalidUploadRequestException("The file name has " + filename.length() + " characters; at most "
					+ this.filenameLength + " are accepted");
		}
	}

}
