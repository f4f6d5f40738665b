package dev.chunkedupload.storage.filesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;

/**
 * Appends with {@code O_DIRECT}: bytes are gathered in an aligned buffer, and each full
 * buffer is written to the device on the flusher thread while the next one fills. The
 * kernel then neither copies the chunk into the page cache nor has to reclaim cache pages
 * for it, which on a small machine costs more CPU than hashing, and {@link #sync()} finds
 * almost nothing left to flush. The unaligned head (up to the first 4096-byte boundary)
 * and tail of a chunk go through the page cache, so any offset works; they are made
 * durable by the final {@code fdatasync}, which also covers the file's size.
 */
final class DirectPieceWriter implements PieceWriter {

	private final FileChannel channel;

	private final FileChannel direct;

	private final WriteSettings settings;

	private ByteBuffer filling;

	private ByteBuffer spare;

	/** File position of the first byte in {@link #filling}. */
	private long fillingStart;

	private long position;

	private Future<?> writing;

	DirectPieceWriter(FileChannel channel, FileChannel direct, long position, WriteSettings settings) {
		this.settings = settings;
		this.channel = channel;
		this.direct = direct;
		this.position = position;
		this.fillingStart = position;
		this.filling = settings.takeDirectBuffer();
		this.spare = settings.takeDirectBuffer();
	}

	@Override
	public void write(byte[] buffer, int offset, int length) {
		int from = offset;
		int left = length;
		try {
			while (left > 0) {
				int head = headLength();
				if (head > 0) {
					// Until the first aligned position, through the page cache.
					int n = Math.min(left, head);
					FileSystemUploadStore.writeFully(this.channel, ByteBuffer.wrap(buffer, from, n), this.position);
					this.position += n;
					this.fillingStart = this.position;
					from += n;
					left -= n;
					continue;
				}
				int n = Math.min(left, this.filling.remaining());
				this.filling.put(buffer, from, n);
				this.position += n;
				from += n;
				left -= n;
				if (!this.filling.hasRemaining()) {
					writeFilling();
				}
			}
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot write", ex);
		}
	}

	@Override
	public void sync() {
		try {
			awaitWriting();
			ByteBuffer rest = this.filling.flip();
			int aligned = rest.remaining() - rest.remaining() % WriteSettings.DIRECT_ALIGNMENT;
			if (aligned > 0) {
				FileSystemUploadStore.writeFully(this.direct, rest.duplicate().limit(aligned), this.fillingStart);
			}
			if (aligned < rest.remaining()) {
				FileSystemUploadStore.writeFully(this.channel, rest.position(aligned), this.fillingStart + aligned);
			}
			this.filling.clear();
			this.fillingStart = this.position;
			if (this.settings.fsync) {
				this.channel.force(false);
			}
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot flush", ex);
		}
	}

	@Override
	public long position() {
		return this.position;
	}

	@Override
	public void close() {
		try {
			try {
				awaitWriting();
			}
			catch (IOException ex) {
				// Closing after a failure: the caller already reports the first error.
			}
			this.direct.close();
			this.channel.close();
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot close", ex);
		}
		finally {
			if (this.writing == null) {
				this.settings.giveBackDirectBuffer(this.filling);
				this.settings.giveBackDirectBuffer(this.spare);
			}
		}
	}

	/**
	 * Bytes still to write through the page cache before the buffer may start: only while
	 * nothing is gathered and the position is not aligned.
	 */
	private int headLength() {
		if (this.filling.position() > 0) {
			return 0;
		}
		int misalignment = (int) (this.position % WriteSettings.DIRECT_ALIGNMENT);
		return (misalignment == 0) ? 0 : WriteSettings.DIRECT_ALIGNMENT - misalignment;
	}

	private void writeFilling() throws IOException {
		awaitWriting();
		ByteBuffer full = this.filling.flip();
		long at = this.fillingStart;
		this.writing = this.settings.flusher.submit(() -> {
			FileSystemUploadStore.writeFully(this.direct, full, at);
			return null;
		});
		this.filling = this.spare;
		this.spare = full;
		this.filling.clear();
		this.fillingStart = at + full.limit();
	}

	private void awaitWriting() throws IOException {
		if (this.writing == null) {
			return;
		}
		try {
			this.writing.get();
			this.writing = null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while writing", ex);
		}
		catch (ExecutionException ex) {
			this.writing = null;
			throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
		}
	}

}
