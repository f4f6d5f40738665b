package dev.chunkedupload.upload.model;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An upload as clients see it: the JSON of {@code GET /api/uploads/{id}}, and the
 * {@code data} of every event and webhook about it. One record for both, so a webhook
 * receiver and an API client read the same fields; the Jackson annotations only name them
 * and bring no HTTP into the core.
 *
 * @param uploadId the upload id
 * @param owner the user it belongs to
 * @param protocol the protocol that created it, lower case
 * @param filename its sanitised file name
 * @param size its declared total length, or {@code null} while unknown
 * @param offset the bytes acknowledged so far
 * @param status its status, lower case (expired as soon as it is idle past its expiry)
 * @param md5 the MD5 of a complete upload
 * @param created when it was created
 * @param lastActivity its last accepted chunk
 * @param expires when it expires if nothing more arrives
 * @param completed when it was completed
 * @param contentType the media type the client gave
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UploadSnapshot(@JsonProperty("upload_id") String uploadId, String owner, String protocol, String filename,
		Long size, long offset, String status, String md5, Instant created,
		@JsonProperty("last_activity") Instant lastActivity, Instant expires, Instant completed,
		@JsonProperty("content_type") String contentType) {

	/**
	 * The upload as it is now.
	 * @param upload the upload
	 * @param status its status now, which may be expired before the sweep marked it
	 * @return the snapshot
	 */
	public static UploadSnapshot of(ChunkedUpload upload, UploadStatus status) {
		return new UploadSnapshot(upload.getId(), upload.getOwner(),
				upload.getProtocol().name().toLowerCase(Locale.ROOT), upload.getFilename(),
				upload.getTotalLength().orElse(null), upload.getOffset(), status.name().toLowerCase(Locale.ROOT),
				upload.getMd5().orElse(null), upload.getCreatedAt(), upload.getLastActivityAt(),
				upload.getExpiresAt().orElse(null), upload.getCompletedAt().orElse(null),
				upload.getContentType().orElse(null));
	}

	/**
	 * The upload as its row says.
	 * @param upload the upload
	 * @return the snapshot
	 */
	public static UploadSnapshot of(ChunkedUpload upload) {
		return of(upload, upload.getStatus());
	}

}
