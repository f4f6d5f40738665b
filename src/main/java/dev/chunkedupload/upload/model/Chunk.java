package dev.chunkedupload.upload.model;

import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

/**
 * What a client says about the bytes it is about to send to a sequential upload.
 *
 * @param offset where the bytes start in the file
 * @param length how many bytes follow, or {@code null} when the client did not say (the
 * bytes end with the request body)
 * @param total the file's total length as stated with this chunk, or {@code null}
 * @param last whether these are the file's final bytes (fixes an unknown total)
 * @param keepPartial whether bytes that arrived before the client stopped sending are
 * kept (tus) or the whole chunk is discarded (django-chunked-upload)
 */
public record Chunk(long offset, Long length, Long total, boolean last, boolean keepPartial) {

	public Chunk {
		if (offset < 0 || (length != null && length < 0) || (total != null && total < 0)) {
			throw new InvalidUploadRequestException("Offsets and lengths cannot be negative");
		}
	}

	/**
	 * Refuse what the client's own statements already show to be too large, before a byte
	 * of the body is read.
	 * @param maxBytes the largest upload
	 * @param maxChunkSize the largest chunk
	 * @throws UploadTooLargeException if the total or the chunk's end is past
	 * {@code maxBytes}
	 * @throws ChunkTooLargeException if the chunk is longer than {@code maxChunkSize}
	 * @throws LengthMismatchException if the chunk ends past the total
	 */
	public void checkAgainst(long maxBytes, long maxChunkSize) {
		if (this.total != null && this.total > maxBytes) {
			throw new UploadTooLargeException(maxBytes);
		}
		if (this.length != null) {
			if (this.length > maxChunkSize) {
				throw new ChunkTooLargeException(maxChunkSize);
			}
			long end = this.offset + this.length;
			if (this.total != null && end > this.total) {
				throw new LengthMismatchException("The chunk ends past the total length of " + this.total + " bytes");
			}
			if (end > maxBytes) {
				throw new UploadTooLargeException(maxBytes);
			}
		}
	}

}
