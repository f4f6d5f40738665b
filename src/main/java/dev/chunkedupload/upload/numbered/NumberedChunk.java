package dev.chunkedupload.upload.numbered;

import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.UploadTooLargeException;

/**
 * One chunk of a file that is sent as numbered chunks in any order, as a client states
 * it. The file is known by its owner, the client's identifier, its total size and its
 * name: the same four values always reach the same upload while it is in progress.
 *
 * @param identifier the client's name for the file (resumable.js: size and name)
 * @param filename the file name as the client sent it (sanitised by the core before it is
 * stored or shown)
 * @param layout how the file is cut into chunks
 * @param number the chunk number, from 1
 * @param length the chunk's length as the client states it
 */
public record NumberedChunk(String identifier, String filename, ChunkLayout layout, int number, long length) {

	public NumberedChunk {
		if (identifier == null || identifier.isEmpty()) {
			throw new InvalidUploadRequestException("The file identifier is required");
		}
		if (filename == null || filename.isEmpty()) {
			throw new InvalidUploadRequestException("The file name is required");
		}
		layout.requireChunk(number, length);
	}

	/**
	 * Refuse a chunk whose file or whose own size is past a limit, before a byte of it is
	 * read.
	 * @param maxBytes the largest upload
	 * @param maxChunkSize the largest chunk
	 */
	public void checkAgainst(long maxBytes, long maxChunkSize) {
		if (this.layout.totalSize() > maxBytes) {
			throw new UploadTooLargeException(maxBytes);
		}
		if (this.length > maxChunkSize) {
			throw new ChunkTooLargeException(maxChunkSize);
		}
	}

}
