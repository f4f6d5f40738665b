package dev.chunkedupload.storage.filesystem;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;

/**
 * What the writers of one {@link FileSystemUploadStore} share: whether and how eagerly
 * they flush, the thread that writes in the background, and a pool of aligned buffers for
 * {@code O_DIRECT}.
 */
final class WriteSettings {

	/**
	 * Offsets, lengths and buffer addresses of {@code O_DIRECT} writes are multiples of
	 * this; 4096 covers devices with 512-byte and with 4 KiB logical blocks.
	 */
	static final int DIRECT_ALIGNMENT = 4096;

	/** Enough buffers for the uploads of a busy server; more are allocated, not kept. */
	private static final int POOLED_DIRECT_BUFFERS = 32;

	final boolean fsync;

	final long flushEvery;

	final ExecutorService flusher;

	final int directBufferSize;

	private final Queue<ByteBuffer> directBuffers = new ConcurrentLinkedQueue<>();

	WriteSettings(boolean fsync, long flushEvery, ExecutorService flusher, int directBufferSize) {
		this.fsync = fsync;
		this.flushEvery = flushEvery;
		this.flusher = flusher;
		this.directBufferSize = directBufferSize;
	}

	ByteBuffer takeDirectBuffer() {
		ByteBuffer buffer = this.directBuffers.poll();
		if (buffer == null) {
			buffer = ByteBuffer.allocateDirect(this.directBufferSize + DIRECT_ALIGNMENT)
				.alignedSlice(DIRECT_ALIGNMENT)
				.limit(this.directBufferSize)
				.slice();
		}
		return buffer.clear();
	}

	void giveBackDirectBuffer(ByteBuffer buffer) {
		if (this.directBuffers.size() < POOLED_DIRECT_BUFFERS) {
			this.directBuffers.add(buffer);
		}
	}

}
