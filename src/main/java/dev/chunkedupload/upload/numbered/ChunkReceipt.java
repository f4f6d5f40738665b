package dev.chunkedupload.upload.numbered;

import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadStatus;

/**
 * What the core did with one numbered chunk.
 *
 * @param upload the upload after the chunk; complete once every chunk is stored
 * @param storedChunks how many of its chunks are stored
 * @param totalChunks how many it has
 * @param duplicate whether the chunk was already stored, so this request wrote nothing
 */
public record ChunkReceipt(ChunkedUpload upload, int storedChunks, int totalChunks, boolean duplicate) {

	/**
	 * Whether the upload is complete.
	 * @return {@code true} once every chunk was stored and the file moved to its place
	 */
	public boolean complete() {
		return this.upload.getStatus() == UploadStatus.COMPLETE;
	}

}
