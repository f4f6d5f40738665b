package dev.chunkedupload.upload.write;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.upload.hash.RunningMd5;
import dev.chunkedupload.upload.model.ChunkedUpload;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Completed uploads joined by the store on its own side (S3's UploadPartCopy) while the
 * instance reads them once for the MD5 of the whole, which cannot be combined from the
 * parts' own. The instance writes no byte; the copy and the read run at once, so the
 * assembly takes as long as the slower of them.
 */
@Component
class StoreCopies implements DisposableBean {

	/** How often the caller's leases are renewed while the store is still copying. */
	private static final long RENEW_EVERY_MILLIS = 1000;

	private final UploadStore store;

	private final WritePipeline pipeline;

	private final ExecutorService executor;

	StoreCopies(UploadStore store, WritePipeline pipeline) {
		this.store = store;
		this.pipeline = pipeline;
		AtomicInteger count = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "upload-copy-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Concatenate the parts into the upload inside the store and hash them meanwhile.
	 * @param key the new upload's key
	 * @param parts the completed uploads, in order
	 * @param total their length
	 * @param heartbeat renews the caller's leases; run on the calling thread only
	 * @return the MD5 state of the whole
	 */
	byte[] assemble(String key, List<ChunkedUpload> parts, long total, Runnable heartbeat) {
		List<String> sources = parts.stream().map(ChunkedUpload::getStorageKey).toList();
		CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> this.store.concatenate(key, 0, sources),
				this.executor);
		try {
			byte[] state = hash(key, parts, total, heartbeat);
			long copied = await(copy, heartbeat);
			if (copied != total) {
				throw new StorageException("The store joined " + copied + " bytes into " + key + ", not " + total);
			}
			return state;
		}
		catch (RuntimeException ex) {
			// The copy must be over before its bytes are dropped, or it would land after.
			awaitQuietly(copy);
			discard(key);
			throw ex;
		}
	}

	private byte[] hash(String key, List<ChunkedUpload> parts, long total, Runnable heartbeat) {
		try (InputStream in = StoredStreams.sequence(parts,
				(part) -> new BoundedInputStream(this.store.open(part.getStorageKey()).openStream(0), part.getOffset(),
						part.getId()))) {
			Transferred hashed = this.pipeline.transfer(in, null, RunningMd5.restore(null),
					BodyLimit.stored(key, total), false, heartbeat);
			if (hashed.broken()) {
				throw new StorageException("Cannot read a partial upload of " + key, hashed.brokenBy());
			}
			return hashed.md5().saveState();
		}
		catch (IOException ex) {
			throw new StorageException("Cannot read a partial upload of " + key, ex);
		}
	}

	private static long await(CompletableFuture<Long> copy, Runnable heartbeat) {
		while (true) {
			try {
				return copy.get(RENEW_EVERY_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				heartbeat.run();
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof RuntimeException runtime) {
					throw runtime;
				}
				throw new StorageException("The store could not join the parts", ex.getCause());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new StorageException("Interrupted while the store joined the parts", ex);
			}
		}
	}

	private static void awaitQuietly(CompletableFuture<Long> copy) {
		try {
			copy.join();
		}
		catch (RuntimeException ex) {
			// Reported by the caller's own failure, or by this one.
		}
	}

	private void discard(String key) {
		try {
			this.store.discardAfter(key, 0);
		}
		catch (RuntimeException ex) {
			// The next assembly begins the upload again from nothing.
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdown();
	}

}
