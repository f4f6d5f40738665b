package dev.chunkedupload.upload.numbered;

import java.util.ArrayList;
import java.util.List;

import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.model.InputLimits;

/**
 * How a file of known size is cut into numbered chunks that may arrive in any order:
 * chunks 1 to {@code totalChunks - 1} have {@code chunkSize} bytes each and the last
 * chunk has the rest. The rest must not be empty (except for an empty file, one empty
 * chunk) and must be shorter than two chunk sizes, which covers both ways clients count
 * chunks: rounding down (resumable.js and flow.js by default, the last chunk takes up to
 * twice the chunk size) and rounding up ({@code forceChunkSize}, the last chunk is
 * shorter).
 *
 * @param totalSize the file's size in bytes
 * @param chunkSize the size of every chunk but the last
 * @param totalChunks how many chunks there are
 */
public record ChunkLayout(long totalSize, long chunkSize, int totalChunks) {

	/**
	 * The most chunks one upload may have: each stored chunk is a database row, so a tiny
	 * chunk size must not turn one file into millions of rows. 50 GB in chunks of
	 * resumable.js's default 1 MiB is about 48,000.
	 */
	public static final int MAX_CHUNKS = InputLimits.MAX_CHUNKS;

	public ChunkLayout {
		if (totalSize < 0) {
			throw new InvalidUploadRequestException("The total size cannot be negative");
		}
		if (chunkSize <= 0) {
			throw new InvalidUploadRequestException("The chunk size must be positive");
		}
		if (totalChunks < 1 || totalChunks > MAX_CHUNKS) {
			throw new InvalidUploadRequestException("The number of chunks must be between 1 and " + MAX_CHUNKS);
		}
		long last = lastLength(totalSize, chunkSize, totalChunks);
		boolean empty = totalSize == 0 && totalChunks == 1;
		if (!empty && (last <= 0 || last - chunkSize >= chunkSize)) {
			throw new InvalidUploadRequestException(
					totalChunks + " chunks of " + chunkSize + " bytes do not make a file of " + totalSize
							+ " bytes (the last chunk must be 1 byte to " + "less than two chunk sizes)");
		}
	}

	/**
	 * Where a chunk starts in the file.
	 * @param number the chunk number, from 1
	 * @return the byte position
	 */
	public long start(int number) {
		return (number - 1) * this.chunkSize;
	}

	/**
	 * How many bytes a chunk has.
	 * @param number the chunk number, from 1
	 * @return its length
	 */
	public long length(int number) {
		return (number < this.totalChunks) ? this.chunkSize
				: lastLength(this.totalSize, this.chunkSize, this.totalChunks);
	}

	/**
	 * The length of every chunk, in order.
	 * @return the lengths
	 */
	public List<Long> lengths() {
		List<Long> lengths = new ArrayList<>(this.totalChunks);
		for (int number = 1; number <= this.totalChunks; number++) {
			lengths.add(length(number));
		}
		return lengths;
	}

	/**
	 * Where a chunk ends (exclusive).
	 * @param number the chunk number, from 1
	 * @return the position after its last byte
	 */
	public long end(int number) {
		return start(number) + length(number);
	}

	/**
	 * The chunk that starts at a position.
	 * @param position a chunk boundary
	 * @return the chunk number
	 */
	int chunkAt(long position) {
		return (int) (position / this.chunkSize) + 1;
	}

	/**
	 * Check that a chunk belongs to this layout and has its length.
	 * @param number the chunk number
	 * @param length the chunk's length as the client states it
	 * @throws InvalidUploadRequestException if there is no such chunk
	 * @throws LengthMismatchException if that chunk has another length
	 */
	public void requireChunk(int number, long length) {
		if (number < 1 || number > this.totalChunks) {
			throw new InvalidUploadRequestException(
					"Chunk number " + number + " is not between 1 and " + this.totalChunks);
		}
		if (length != length(number)) {
			throw new LengthMismatchException(
					"Chunk " + number + " of this file has " + length(number) + " bytes, not " + length);
		}
	}

	private static long lastLength(long totalSize, long chunkSize, int totalChunks) {
		try {
			return totalSize - Math.multiplyExact(totalChunks - 1, chunkSize);
		}
		catch (ArithmeticException ex) {
			return -1;
		}
	}

}
