package dev.chunkedupload.upload.hash;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * Hashes the buffers of one chunk on another thread while the request thread reads the
 * next buffer from the socket and writes it to the file. On two cores hashing is about
 * half of the server's CPU time for a chunk, so overlapping it with the I/O is the
 * largest single gain in throughput. A small ring of buffers bounds the memory per upload
 * and makes the reader wait when the hasher falls behind.
 * <p>
 * Used by one request thread: {@link #take()} a buffer, fill it, write it, {@link #hash}
 * it; {@link #finish()} waits until every handed buffer is hashed. The buffers are
 * borrowed from a {@link BufferPool} as the ring needs them (a small chunk needs one or
 * two), and go back to it when the hasher closes after finishing; a hasher closed before
 * (the chunk failed) leaves them to the garbage collector, as the hash thread may still
 * be reading one.
 * <p>
 * The hash thread starts with the first full buffer. A short buffer before it is the
 * whole of a small chunk (the source ended), and is hashed on the calling thread: there
 * is nothing left to overlap it with, and handing it over would cost two thread wake-ups
 * per chunk, a large share of a 64 KiB chunk's cost when many uploads share two cores.
 */
public final class PipelinedHasher implements AutoCloseable {

	private static final Slice END = new Slice(new byte[0], 0);

	private final RunningMd5 md5;

	private final BlockingQueue<byte[]> free;

	private final BlockingQueue<Slice> pending;

	private final Executor executor;

	/** The hash thread's work, or {@code null} while every buffer was hashed here. */
	private FutureTask<Void> task;

	private final BufferPool pool;

	private final int buffers;

	private int borrowed;

	private boolean finished;

	/**
	 * A hasher over a ring of buffers.
	 * @param md5 the hash to continue
	 * @param buffers the most buffers in flight
	 * @param pool where the buffers come from and go back to
	 * @param executor runs the hash thread, once a full buffer is handed
	 */
	public PipelinedHasher(RunningMd5 md5, int buffers, BufferPool pool, Executor executor) {
		this.md5 = md5;
		this.pool = pool;
		this.buffers = buffers;
		this.executor = executor;
		this.free = new ArrayBlockingQueue<>(buffers);
		this.pending = new ArrayBlockingQueue<>(buffers + 1);
	}

	/**
	 * A buffer to fill; waits while all buffers are queued for hashing.
	 * @return a buffer
	 */
	public byte[] take() {
		byte[] buffer = this.free.poll();
		if (buffer != null) {
			return buffer;
		}
		if (this.borrowed < this.buffers) {
			this.borrowed++;
			return this.pool.borrow();
		}
		try {
			return this.free.take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the hasher", ex);
		}
	}

	/**
	 * Queue the first {@code length} bytes of a buffer from {@link #take()} for hashing.
	 * The buffer must not be touched until it comes back from {@code take()}.
	 */
	public void hash(byte[] buffer, int length) {
		if (this.task == null) {
			if (length < buffer.length) {
				// Nothing is queued, so hashing here keeps the order.
				this.md5.update(buffer, 0, length);
				this.free.add(buffer);
				return;
			}
			this.task = new FutureTask<>(this::run);
			this.executor.execute(this.task);
		}
		put(new Slice(buffer, length));
	}

	/** Give back a buffer from {@link #take()} that holds nothing to hash. */
	public void giveBack(byte[] buffer) {
		this.free.add(buffer);
	}

	/**
	 * Wait until every queued buffer is hashed.
	 * @return the digest, now covering every byte handed to {@link #hash}
	 */
	public RunningMd5 finish() {
		if (this.task == null) {
			this.finished = true;
			return this.md5;
		}
		if (!this.finished) {
			this.finished = true;
			put(END);
		}
		try {
			this.task.get();
			return this.md5;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the hasher", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Hashing failed", ex.getCause());
		}
	}

	/**
	 * Stop the hasher if {@link #finish()} was not reached (the chunk failed); after it
	 * was, every buffer is back in the ring and goes back to the pool.
	 */
	@Override
	public void close() {
		if (!this.finished && this.task != null) {
			this.finished = true;
			put(END);
			return;
		}
		this.finished = true;
		if (this.task == null || this.task.isDone()) {
			for (byte[] buffer = this.free.poll(); buffer != null; buffer = this.free.poll()) {
				this.pool.giveBack(buffer);
			}
		}
	}

	private Void run() throws InterruptedException {
		while (true) {
			Slice slice = this.pending.take();
			if (slice == END) {
				return null;
			}
			this.md5.update(slice.buffer(), 0, slice.length());
			this.free.add(slice.buffer());
		}
	}

	private void put(Slice slice) {
		try {
			this.pending.put(slice);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while handing a buffer to the hasher", ex);
		}
	}

	private record Slice(byte[] buffer, int length) {

	}

}
