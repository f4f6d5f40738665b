package dev.chunkedupload.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChunkStore} on the local (or a shared network) file system. Keys are relative
 * paths below a root directory.
 * <p>
 * With {@code fsync} on, a writer asks the kernel to flush in the background every
 * {@code flushEvery} bytes, so the device writes one part of a chunk while the next part
 * is still arriving; {@link ChunkWriter#sync()} then waits only for the tail. Directory
 * entries of new and promoted files are flushed too, or a crash could lose a file whose
 * bytes were on disk.
 */
public class FileSystemChunkStore implements ChunkStore, AutoCloseable {

	/**
	 * Offsets, lengths and buffer addresses of {@code O_DIRECT} writes are multiples of
	 * this; 4096 covers devices with 512-byte and with 4 KiB logical blocks.
	 */
	static final int DIRECT_ALIGNMENT = 4096;

	/** Enough buffers for the uploads of a busy server; more are allocated, not kept. */
	private static final int POOLED_DIRECT_BUFFERS = 32;

	private static final Logger logger = LoggerFactory.getLogger(FileSystemChunkStore.class);

	private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

	private final Path root;

	private final boolean fsync;

	private final long flushEvery;

	private final ExecutorService flusher;

	private final int directBufferSize;

	private final Queue<ByteBuffer> directBuffers = new ConcurrentLinkedQueue<>();

	private volatile boolean directSupported = true;

	/**
	 * Create a store that writes through the page cache.
	 * @param root the directory below which every key lives
	 * @param fsync whether {@link ChunkWriter#sync()} forces bytes to the device
	 * @param flushEvery how many bytes a writer lets accumulate before it starts a
	 * background flush (only with {@code fsync})
	 */
	public FileSystemChunkStore(Path root, boolean fsync, long flushEvery) {
		this(root, fsync, flushEvery, 0);
	}

	/**
	 * Create a store.
	 * @param root the directory below which every key lives
	 * @param fsync whether {@link ChunkWriter#sync()} forces bytes to the device
	 * @param flushEvery how many bytes a writer lets accumulate before it starts a
	 * background flush (only with {@code fsync} and without direct I/O)
	 * @param directBufferSize the size of the aligned buffers in which appended bytes are
	 * gathered and written with {@code O_DIRECT}, or {@code 0} to write through the page
	 * cache. Direct writes take less CPU than page-cache writes, so they pay off with and
	 * without {@code fsync}. It must be a multiple of 4096. File systems that refuse
	 * {@code O_DIRECT} fall back to the page cache.
	 */
	public FileSystemChunkStore(Path root, boolean fsync, long flushEvery, int directBufferSize) {
		if (directBufferSize < 0 || directBufferSize % DIRECT_ALIGNMENT != 0) {
			throw new IllegalArgumentException("Direct buffer size must be a multiple of " + DIRECT_ALIGNMENT);
		}
		this.root = root.toAbsolutePath().normalize();
		this.fsync = fsync;
		this.flushEvery = flushEvery;
		this.directBufferSize = directBufferSize;
		this.flusher = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "chunk-flusher");
			thread.setDaemon(true);
			return thread;
		});
		try {
			Files.createDirectories(this.root);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot create storage root " + this.root, ex);
		}
	}

	public Path root() {
		return this.root;
	}

	@Override
	public ChunkWriter openForAppend(String key, long offset) {
		Path path = resolve(key);
		try {
			boolean existed = Files.exists(path);
			if (!existed) {
				Files.createDirectories(path.getParent());
			}
			FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			try {
				if (!existed) {
					syncDirectory(path.getParent());
				}
				long size = channel.size();
				if (size < offset) {
					throw new StorageException(
							"Stored object " + key + " has " + size + " bytes but " + offset + " were acknowledged");
				}
				if (size > offset) {
					channel.truncate(offset);
				}
				channel.position(offset);
				FileChannel direct = openDirect(path);
				if (direct != null) {
					return new DirectChunkWriter(channel, direct, offset);
				}
				return new FileChunkWriter(channel, offset);
			}
			catch (IOException | RuntimeException ex) {
				channel.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new StorageException("Cannot open " + key + " for writing", ex);
		}
	}

	@Override
	public void create(String key) {
		Path path = resolve(key);
		try {
			Files.createDirectories(path.getParent());
			try {
				Files.createFile(path);
			}
			catch (FileAlreadyExistsException ex) {
				return;
			}
			syncDirectory(path.getParent());
		}
		catch (IOException ex) {
			throw new StorageException("Cannot create " + key, ex);
		}
	}

	@Override
	public ChunkWriter openAt(String key, long position) {
		if (position < 0) {
			throw new IllegalArgumentException("Negative position " + position);
		}
		Path path = resolve(key);
		try {
			FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
			try {
				channel.position(position);
				return new FileChunkWriter(channel, position);
			}
			catch (IOException | RuntimeException ex) {
				channel.close();
				throw ex;
			}
		}
		catch (NoSuchFileException ex) {
			throw new StoredObjectNotFoundException(key);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot open " + key + " for writing", ex);
		}
	}

	@Override
	public long size(String key) {
		try {
			return Files.size(resolve(key));
		}
		catch (NoSuchFileException ex) {
			throw new StoredObjectNotFoundException(key);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot read the size of " + key, ex);
		}
	}

	@Override
	public boolean exists(String key) {
		return Files.exists(resolve(key));
	}

	@Override
	public void promote(String source, String target) {
		Path from = resolve(source);
		Path to = resolve(target);
		try {
			if (!Files.exists(from)) {
				if (Files.exists(to)) {
					return;
				}
				throw new StoredObjectNotFoundException(source);
			}
			Files.createDirectories(to.getParent());
			try {
				Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw new StorageException("Partial and final areas must be on one file system", ex);
			}
			syncDirectory(to.getParent());
			if (!from.getParent().equals(to.getParent())) {
				syncDirectory(from.getParent());
			}
		}
		catch (IOException ex) {
			throw new StorageException("Cannot move " + source + " to " + target, ex);
		}
	}

	@Override
	public StoredObject open(String key) {
		Path path = resolve(key);
		long size = size(key);
		return new StoredObject(size, (position) -> {
			try {
				FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
				channel.position(position);
				return Channels.newInputStream(channel);
			}
			catch (NoSuchFileException ex) {
				throw new StoredObjectNotFoundException(key);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	@Override
	public void delete(String key) {
		try {
			Files.deleteIfExists(resolve(key));
		}
		catch (IOException ex) {
			throw new StorageException("Cannot delete " + key, ex);
		}
	}

	@Override
	public void close() {
		this.flusher.shutdown();
	}

	/**
	 * A second channel on the file that bypasses the page cache, or {@code null} when
	 * direct I/O is off or the file system refuses it (tmpfs on older kernels, some
	 * network file systems).
	 */
	private FileChannel openDirect(Path path) {
		if (this.directBufferSize == 0 || !this.directSupported) {
			return null;
		}
		try {
			return FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.info("Direct I/O is not available under {} ({}); writing through the page cache", this.root,
					ex.toString());
			this.directSupported = false;
			return null;
		}
	}

	private ByteBuffer takeDirectBuffer() {
		ByteBuffer buffer = this.directBuffers.poll();
		if (buffer == null) {
			buffer = ByteBuffer.allocateDirect(this.directBufferSize + DIRECT_ALIGNMENT)
				.alignedSlice(DIRECT_ALIGNMENT)
				.limit(this.directBufferSize)
				.slice();
		}
		return buffer.clear();
	}

	private void giveBackDirectBuffer(ByteBuffer buffer) {
		if (this.directBuffers.size() < POOLED_DIRECT_BUFFERS) {
			this.directBuffers.add(buffer);
		}
	}

	private static void writeFully(FileChannel channel, ByteBuffer source, long position) throws IOException {
		long at = position;
		while (source.hasRemaining()) {
			at += channel.write(source, at);
		}
	}

	private Path resolve(String key) {
		if (key == null || !SAFE_KEY.matcher(key).matches() || key.contains("..")) {
			throw new IllegalArgumentException("Unsafe storage key: " + key);
		}
		Path path = this.root.resolve(key).normalize();
		if (!path.startsWith(this.root)) {
			throw new IllegalArgumentException("Unsafe storage key: " + key);
		}
		return path;
	}

	private void syncDirectory(Path directory) throws IOException {
		if (!this.fsync) {
			return;
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems refuse to open or sync a directory; the file data is
			// synced
			// regardless, so only the rename's durability is weaker there.
			if (Files.isDirectory(directory)) {
				return;
			}
			throw ex;
		}
	}

	private final class FileChunkWriter implements ChunkWriter {

		private final FileChannel channel;

		private long position;

		private long unflushed;

		private Future<?> flushing;

		FileChunkWriter(FileChannel channel, long position) {
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
				throw new StorageException("Cannot write", ex);
			}
			this.position += length;
			this.unflushed += length;
			if (FileSystemChunkStore.this.fsync && this.unflushed >= FileSystemChunkStore.this.flushEvery
					&& (this.flushing == null || this.flushing.isDone())) {
				awaitFlush();
				this.unflushed = 0;
				this.flushing = FileSystemChunkStore.this.flusher.submit(() -> {
					this.channel.force(false);
					return null;
				});
			}
		}

		@Override
		public void sync() {
			awaitFlush();
			if (FileSystemChunkStore.this.fsync) {
				try {
					this.channel.force(false);
				}
				catch (IOException ex) {
					throw new StorageException("Cannot flush", ex);
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
				throw new StorageException("Cannot close", ex);
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
				throw new StorageException("Cannot flush", ex.getCause());
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
				// closing after a failure: the caller already reports the first error
			}
		}

	}

	/**
	 * Appends with {@code O_DIRECT}: bytes are gathered in an aligned buffer, and each
	 * full buffer is written to the device on the flusher thread while the next one
	 * fills. The kernel then neither copies the chunk into the page cache nor has to
	 * reclaim cache pages for it, which on a small machine costs more CPU than hashing,
	 * and {@link #sync()} finds almost nothing left to flush. The unaligned head (up to
	 * the first 4096-byte boundary) and tail of a chunk go through the page cache, so any
	 * offset works; they are made durable by the final {@code fdatasync}, which also
	 * covers the file's size.
	 */
	private final class DirectChunkWriter implements ChunkWriter {

		private final FileChannel channel;

		private final FileChannel direct;

		private ByteBuffer filling;

		private ByteBuffer spare;

		/** File position of the first byte in {@link #filling}. */
		private long fillingStart;

		private long position;

		private Future<?> writing;

		DirectChunkWriter(FileChannel channel, FileChannel direct, long position) {
			this.channel = channel;
			this.direct = direct;
			this.position = position;
			this.fillingStart = position;
			this.filling = takeDirectBuffer();
			this.spare = takeDirectBuffer();
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
						writeFully(this.channel, ByteBuffer.wrap(buffer, from, n), this.position);
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
				throw new StorageException("Cannot write", ex);
			}
		}

		@Override
		public void sync() {
			try {
				awaitWriting();
				ByteBuffer rest = this.filling.flip();
				int aligned = rest.remaining() - rest.remaining() % DIRECT_ALIGNMENT;
				if (aligned > 0) {
					writeFully(this.direct, rest.duplicate().limit(aligned), this.fillingStart);
				}
				if (aligned < rest.remaining()) {
					writeFully(this.channel, rest.position(aligned), this.fillingStart + aligned);
				}
				this.filling.clear();
				this.fillingStart = this.position;
				if (FileSystemChunkStore.this.fsync) {
					this.channel.force(false);
				}
			}
			catch (IOException ex) {
				throw new StorageException("Cannot flush", ex);
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
					// closing after a failure: the caller already reports the first error
				}
				this.direct.close();
				this.channel.close();
			}
			catch (IOException ex) {
				throw new StorageException("Cannot close", ex);
			}
			finally {
				if (this.writing == null) {
					giveBackDirectBuffer(this.filling);
					giveBackDirectBuffer(this.spare);
				}
			}
		}

		/**
		 * Bytes still to write through the page cache before the buffer may start: only
		 * while nothing is gathered and the position is not aligned.
		 */
		private int headLength() {
			if (this.filling.position() > 0) {
				return 0;
			}
			int misalignment = (int) (this.position % DIRECT_ALIGNMENT);
			return (misalignment == 0) ? 0 : DIRECT_ALIGNMENT - misalignment;
		}

		private void writeFilling() throws IOException {
			awaitWriting();
			ByteBuffer full = this.filling.flip();
			long at = this.fillingStart;
			this.writing = FileSystemChunkStore.this.flusher.submit(() -> {
				writeFully(this.direct, full, at);
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

}
