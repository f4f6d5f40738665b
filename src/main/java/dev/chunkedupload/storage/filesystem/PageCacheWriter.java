package dev.chunkedupload.storage.filesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;

/**
 * Writes through the page cache. With {@code fsync} on, it asks the kernel to flush in
 * the background every {@code flushEvery} bytes, so the device writes one part of a piece
 * while the next part is still arriving; {@link #sync()} then waits only for the tail.
 */
final class PageCacheWriter implements PieceWriter {

	private final FileChannel channel;

	private final WriteSettings settings;

	private long position;

	private long unflushed;

	private Future<?> flushing;

	PageCacheWriter(FileChannel channel, long position, WriteSettings settings) {
		this.settings = settings;
		this.channel = channel;
		this.position = position;
	}

	@Override
	public void write(byte[] buffer, int offset, int length) {
		ByteBuffer source = ByteBuffer.wrap(buffer, offset, length);
		try {
			while (source.hasRemaining()) {
				this.channel.write(source);
			}
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot write", ex);
		}
		this.position += length;
		this.unflushed += length;
		if (this.settings.fsync && this.unflushed >= this.settings.flushEvery
				&& (this.flushing == null || this.flushing.isDone())) {
			awaitFlush();
			this.unflushed = 0;
			this.flushing = this.settings.flusher.submit(() -> {
				this.channel.force(false);
				return null;
			});
		}
	}

	@Override
	public void sync() {
		awaitFlush();
		if (this.settings.fsync) {
			try {
				this.channel.force(false);
			}
			catch (IOException ex) {
				throw StorageException.io("Cannot flush", ex);
			}
		}
		this.unflushed = 0;
	}

	@Override
	public long position() {
		return this.position;
	}

	@Override
	public void close() {
		try {
			awaitFlushQuietly();
			this.channel.close();
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot close", ex);
		}
	}

	private void awaitFlush() {
		if (this.flushing == null) {
			return;
		}
		try {
			this.flushing.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StorageException("Interrupted while flushing", ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException io) ? StorageException.io("Cannot flush", io)
					: new StorageException("Cannot flush", ex.getCause());
		}
		finally {
			this.flushing = null;
		}
	}

	private void awaitFlushQuietly() {
		try {
			awaitFlush();
		}
		catch (StorageException ex) {
			// Closing after a failure: the caller already reports the first error.
		}
	}

}
