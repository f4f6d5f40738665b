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
import java.util.concurrent.Future;
import java.util.regex.Pattern;

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

	private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

	private final Path root;

	private final boolean fsync;

	private final long flushEvery;

	private final ExecutorService flusher;

	/**
	 * Create a store.
	 * @param root the directory below which every key lives
	 * @param fsync whether {@link ChunkWriter#sync()} forces bytes to the device
	 * @param flushEvery how many bytes a writer lets accumulate before it starts a
	 * background flush (only with {@code fsync})
	 */
	public FileSystemChunkStore(Path root, boolean fsync, long flushEvery) {
		this.root = root.toAbsolutePath().normalize();
		this.fsync = fsync;
		this.flushEvery = flushEvery;
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

}
