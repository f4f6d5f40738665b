package dev.chunkedupload.upload.hash;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transfer buffers that chunks borrow and give back, so that a chunk does not allocate
 * and zero buffers of its own: four of 256 KiB were a megabyte per request, sixteen times
 * a 64 KiB chunk, and all of it garbage right after. Bounded: a buffer given back while
 * {@code capacity} lie idle is left to the garbage collector.
 * <p>
 * A buffer comes back holding the bytes of an earlier chunk; its users only ever read the
 * part they filled.
 */
public final class BufferPool {

	private final int bufferSize;

	private final int capacity;

	private final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();

	private final AtomicInteger idleCount = new AtomicInteger();

	/**
	 * A pool of buffers of one size.
	 * @param bufferSize the size of every buffer
	 * @param capacity how many idle buffers it keeps at most
	 */
	public BufferPool(int bufferSize, int capacity) {
		this.bufferSize = bufferSize;
		this.capacity = capacity;
	}

	/**
	 * An idle buffer, or a new one when none is idle.
	 * @return a buffer of the pool's size, owned by the caller until given back
	 */
	public byte[] borrow() {
		byte[] buffer = this.idle.poll();
		if (buffer == null) {
			return new byte[this.bufferSize];
		}
		this.idleCount.decrementAndGet();
		return buffer;
	}

	/**
	 * Give back a buffer from {@link #borrow()} that nothing uses any more.
	 * @param buffer the buffer
	 */
	public void giveBack(byte[] buffer) {
		if (this.idleCount.incrementAndGet() <= this.capacity) {
			this.idle.offer(buffer);
		}
		else {
			this.idleCount.decrementAndGet();
		}
	}

	/** How many buffers lie idle now. */
	int idle() {
		return this.idleCount.get();
	}

}
