package dev.chunkedupload.upload.write;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.upload.hash.BufferPool;
import dev.chunkedupload.upload.hash.PipelinedHasher;
import dev.chunkedupload.upload.hash.RunningMd5;
import dev.chunkedupload.upload.metrics.UploadMetrics;
import dev.chunkedupload.upload.model.UploadProperties;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The one loop that moves bytes: from a request body, or from stored objects, into a
 * piece of an upload, hashing them on the way when asked to. Every write of the core goes
 * through it: sequential chunks, numbered chunks, concatenation, relocation, and the MD5
 * that is carried over stored chunks (which hashes without writing).
 * <p>
 * Limits are enforced while the bytes stream, the holder's leases are renewed between
 * buffers, and a source that breaks off is reported with the exact count of bytes it
 * delivered, which are kept (synced) when the caller asks for that. Hashing runs on a
 * second thread ({@link PipelinedHasher}) over a ring of buffers, so reading, writing and
 * hashing overlap.
 */
@Component
public class WritePipeline implements DisposableBean {

	/** Buffers per transfer in flight between reading and hashing. */
	private static final int HASH_BUFFERS = 4;

	/**
	 * Idle transfer buffers kept for the next chunks: four per transfer of sixteen at
	 * once (16 MiB at the default buffer size).
	 */
	private static final int IDLE_BUFFERS = 64;

	private final BufferPool buffers;

	private final ExecutorService hashExecutor;

	private final UploadMetrics metrics;

	WritePipeline(UploadProperties properties, UploadMetrics metrics) {
		this.metrics = metrics;
		this.buffers = new BufferPool(Math.toIntExact(properties.bufferSize().toBytes()), IDLE_BUFFERS);
		AtomicInteger count = new AtomicInteger();
		// One thread per transfer being hashed, so it grows with the request threads and
		// shrinks when idle.
		this.hashExecutor = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "upload-hash-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		RunningMd5.logImplementation();
	}

	/**
	 * Move a source into a sink.
	 * @param source where the bytes come from; read to its end
	 * @param sink where they go, or {@code null} to only hash them
	 * @param md5 the hash to continue over them, or {@code null} not to hash
	 * @param limit what the source may deliver
	 * @param keepPartial whether bytes that arrived before the source broke off are
	 * written, synced and reported, or dropped
	 * @param heartbeat run between buffers, to renew the caller's leases
	 * @return what was moved; synced unless the source broke off and nothing is kept
	 */
	public Transferred transfer(InputStream source, PieceWriter sink, RunningMd5 md5, BodyLimit limit,
			boolean keepPartial, Runnable heartbeat) {
		byte[] own = (md5 == null) ? this.buffers.borrow() : null;
		try (PipelinedHasher hasher = (md5 != null)
				? new PipelinedHasher(md5, HASH_BUFFERS, this.buffers, this.hashExecutor) : null) {
			long written = 0;
			IOException broken = null;
			while (broken == null) {
				byte[] buffer = (hasher != null) ? hasher.take() : own;
				int n;
				try {
					n = fill(source, buffer);
				}
				catch (BrokenSource ex) {
					n = ex.filled;
					broken = ex.cause;
				}
				if (broken != null && !keepPartial) {
					giveBack(hasher, buffer);
					return new Transferred(written, null, broken);
				}
				if (n == 0) {
					giveBack(hasher, buffer);
					break;
				}
				limit.checkReceived(written + n);
				if (sink != null) {
					long writing = this.metrics.now();
					sink.write(buffer, 0, n);
					this.metrics.storageWrite(this.metrics.now() - writing);
				}
				if (hasher != null) {
					hasher.hash(buffer, n);
				}
				written += n;
				heartbeat.run();
				if (n < buffer.length && broken == null) {
					// A short fill means the source ended; a further read only says so.
					break;
				}
			}
			if (broken == null) {
				limit.checkEnded(written);
			}
			if (sink != null && (broken == null || written > 0)) {
				long syncing = this.metrics.now();
				sink.sync();
				this.metrics.storageSync(this.metrics.now() - syncing);
			}
			return new Transferred(written, (hasher != null) ? hasher.finish() : null, broken);
		}
		finally {
			if (own != null) {
				this.buffers.giveBack(own);
			}
		}
	}

	@Override
	public void destroy() {
		this.hashExecutor.shutdown();
	}

	private static void giveBack(PipelinedHasher hasher, byte[] buffer) {
		if (hasher != null) {
			hasher.giveBack(buffer);
		}
	}

	/** Fill the buffer unless the source ends first; returns how many bytes it holds. */
	private static int fill(InputStream in, byte[] buffer) throws BrokenSource {
		int filled = 0;
		while (filled < buffer.length) {
			int n;
			try {
				n = in.read(buffer, filled, buffer.length - filled);
			}
			catch (IOException ex) {
				throw new BrokenSource(filled, ex);
			}
			if (n < 0) {
				break;
			}
			filled += n;
		}
		return filled;
	}

	/**
	 * The source broke off; {@code filled} bytes of the buffer arrived before it did,
	 * which a transfer that keeps partial bytes must not lose.
	 */
	private static final class BrokenSource extends Exception {

		private final int filled;

		private final IOException cause;

		BrokenSource(int filled, IOException cause) {
			super(cause);
			this.filled = filled;
			this.cause = cause;
		}

	}

}
