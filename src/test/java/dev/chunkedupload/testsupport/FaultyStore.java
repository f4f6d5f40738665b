package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.UploadStore;

/**
 * A real store with faults a test switches on: the next write, sync or rename fails with
 * an {@link IOException} turned into what the file-system store throws for it
 * ({@link StorageException#io}), after the real store did whatever it did up to there (a
 * failed write leaves its first bytes in the real file). It can also play a device with
 * little room left, for machines where a test cannot mount a small file system.
 */
public final class FaultyStore extends ForwardingStore {

	/** Where a fault strikes. */
	public enum Fault {

		/** In the middle of a piece, after half a buffer went to the real file. */
		WRITE,

		/** When a piece is made durable. */
		SYNC,

		/** When a completed upload is renamed into place. */
		RENAME

	}

	private final Map<Fault, IOException> armed = new ConcurrentHashMap<>();

	/** Bytes that still fit when playing a small device; negative: no limit. */
	private final AtomicLong spaceLeft = new AtomicLong(-1);

	public FaultyStore(UploadStore store) {
		super(store);
	}

	/** The next operation of this kind fails with {@code error}, once. */
	public void failNext(Fault fault, IOException error) {
		this.armed.put(fault, error);
	}

	/** Play a device that has {@code bytes} left (ENOSPC past them). */
	public void limitSpace(long bytes) {
		this.spaceLeft.set(bytes);
	}

	public void clearFaults() {
		this.armed.clear();
		this.spaceLeft.set(-1);
	}

	private void strike(Fault fault, String what) {
		IOException error = this.armed.remove(fault);
		if (error != null) {
			throw StorageException.io(what, error);
		}
	}

	@Override
	public PieceWriter append(String key, long offset) {
		return new FaultyWriter(this.store.append(key, offset));
	}

	@Override
	public PieceWriter writeAt(String key, long position) {
		return new FaultyWriter(this.store.writeAt(key, position));
	}

	@Override
	public void complete(String key, long length, String finalKey) {
		strike(Fault.RENAME, "Cannot complete " + key);
		super.complete(key, length, finalKey);
	}

	@Override
	public void move(String source, String target) {
		strike(Fault.RENAME, "Cannot move " + source);
		super.move(source, target);
	}

	private final class FaultyWriter implements PieceWriter {

		private final PieceWriter writer;

		FaultyWriter(PieceWriter writer) {
			this.writer = writer;
		}

		@Override
		public void write(byte[] buffer, int offset, int length) {
			int fits = fits(length);
			if (FaultyStore.this.armed.containsKey(Fault.WRITE) || fits < length) {
				int first = FaultyStore.this.armed.containsKey(Fault.WRITE) ? length / 2 : fits;
				this.writer.write(buffer, offset, first);
				if (fits < length) {
					throw StorageException.io("Cannot write", new IOException("No space left on device"));
				}
				strike(Fault.WRITE, "Cannot write");
			}
			this.writer.write(buffer, offset, length);
		}

		private int fits(int length) {
			while (true) {
				long left = FaultyStore.this.spaceLeft.get();
				if (left < 0) {
					return length;
				}
				int fits = (int) Math.min(left, length);
				if (FaultyStore.this.spaceLeft.compareAndSet(left, left - fits)) {
					return fits;
				}
			}
		}

		@Override
		public void sync() {
			strike(Fault.SYNC, "Cannot flush");
			this.writer.sync();
		}

		@Override
		public void record() {
			this.writer.record();
		}

		@Override
		public boolean keepsRecords() {
			return this.writer.keepsRecords();
		}

		@Override
		public long position() {
			return this.writer.position();
		}

		@Override
		public void close() {
			this.writer.close();
		}

	}

}
