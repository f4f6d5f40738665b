package dev.chunkedupload.storage.filesystem;

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
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.storage.UploadStore;

/**
 * An {@link UploadStore} on the local (or a shared network) file system, with every
 * capability. Keys are relative paths below a root directory; an unfinished upload is a
 * file that grows, and completion renames it to its final key.
 * <p>
 * Durability with {@code fsync} on: a piece is on the device when
 * {@link PieceWriter#sync()} returns ({@code fdatasync}), and the directory entries of
 * new and renamed files are flushed too, or a crash could lose a file whose bytes were on
 * disk. Appends go through {@code O_DIRECT} ({@link DirectPieceWriter}) where the file
 * system allows it, else through the page cache with early background flushes
 * ({@link PageCacheWriter}).
 */
public class FileSystemUploadStore implements UploadStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemUploadStore.class);

	/**
	 * Not {@link StoreCapability#SERVER_SIDE_COPY}: copy_file_range reads and writes the
	 * same local disk as the core's own pass, so concatenation keeps that one pass.
	 */
	private static final Set<StoreCapability> CAPABILITIES = EnumSet.of(StoreCapability.WRITE_AT,
			StoreCapability.READ_UNFINISHED, StoreCapability.CONCATENATE, StoreCapability.MOVE);

	private final Path root;

	private final KeyPaths paths;

	private final WriteSettings settings;

	private volatile boolean directSupported = true;

	/**
	 * Create a store that writes through the page cache.
	 * @param root the directory below which every key lives
	 * @param fsync whether {@link PieceWriter#sync()} forces bytes to the device
	 * @param flushEvery how many bytes a writer lets accumulate before it starts a
	 * background flush (only with {@code fsync})
	 */
	public FileSystemUploadStore(Path root, boolean fsync, long flushEvery) {
		this(root, fsync, flushEvery, 0);
	}

	/**
	 * Create a store.
	 * @param root the directory below which every key lives
	 * @param fsync whether {@link PieceWriter#sync()} forces bytes to the device
	 * @param flushEvery how many bytes a writer lets accumulate before it starts a
	 * background flush (only with {@code fsync} and without direct I/O)
	 * @param directBufferSize the size of the aligned buffers in which appended bytes are
	 * gathered and written with {@code O_DIRECT}, or {@code 0} to write through the page
	 * cache. Direct writes take less CPU than page-cache writes, so they pay off with and
	 * without {@code fsync}. It must be a multiple of 4096. File systems that refuse
	 * {@code O_DIRECT} fall back to the page cache.
	 */
	public FileSystemUploadStore(Path root, boolean fsync, long flushEvery, int directBufferSize) {
		if (directBufferSize < 0 || directBufferSize % WriteSettings.DIRECT_ALIGNMENT != 0) {
			throw new IllegalArgumentException(
					"Direct buffer size must be a multiple of " + WriteSettings.DIRECT_ALIGNMENT);
		}
		this.root = root.toAbsolutePath().normalize();
		this.paths = new KeyPaths(this.root, fsync);
		this.settings = new WriteSettings(fsync, flushEvery, Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "chunk-flusher");
			thread.setDaemon(true);
			return thread;
		}), directBufferSize);
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
	public Set<StoreCapability> capabilities() {
		return CAPABILITIES;
	}

	@Override
	public void begin(String key) {
		Path path = this.paths.resolve(key);
		try {
			Files.createDirectories(path.getParent());
			try {
				Files.createFile(path);
			}
			catch (FileAlreadyExistsException ex) {
				return;
			}
			this.paths.syncDirectory(path.getParent());
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot create " + key, ex);
		}
	}

	@Override
	public PieceWriter append(String key, long offset) {
		Path path = this.paths.resolve(key);
		try {
			boolean existed = Files.exists(path);
			if (!existed) {
				Files.createDirectories(path.getParent());
			}
			FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			try {
				if (!existed) {
					this.paths.syncDirectory(path.getParent());
				}
				cutTo(channel, key, offset);
				channel.position(offset);
				FileChannel direct = openDirect(path);
				if (direct != null) {
					return new DirectPieceWriter(channel, direct, offset, this.settings);
				}
				return new PageCacheWriter(channel, offset, this.settings);
			}
			catch (IOException | RuntimeException ex) {
				channel.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot open " + key + " for writing", ex);
		}
	}

	@Override
	public void discardAfter(String key, long offset) {
		try (FileChannel channel = FileChannel.open(this.paths.resolve(key), StandardOpenOption.WRITE)) {
			if (channel.size() > offset) {
				channel.truncate(offset);
			}
		}
		catch (NoSuchFileException ex) {
			// Nothing stored, nothing to discard.
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot cut " + key + " back to " + offset, ex);
		}
	}

	@Override
	public PieceWriter writeAt(String key, long position) {
		if (position < 0) {
			throw new IllegalArgumentException("Negative position " + position);
		}
		try {
			FileChannel channel = FileChannel.open(this.paths.resolve(key), StandardOpenOption.WRITE);
			try {
				channel.position(position);
				return new PageCacheWriter(channel, position, this.settings);
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
			throw StorageException.io("Cannot open " + key + " for writing", ex);
		}
	}

	@Override
	public InputStream readUnfinished(String key, long position) {
		return openAt(this.paths.resolve(key), key, position);
	}

	@Override
	public long concatenate(String key, long offset, List<String> sources) {
		try (FileChannel target = FileChannel.open(this.paths.resolve(key), StandardOpenOption.WRITE)) {
			cutTo(target, key, offset);
			long position = offset;
			for (String source : sources) {
				try (FileChannel in = FileChannel.open(this.paths.resolve(source), StandardOpenOption.READ)) {
					long size = in.size();
					long copied = 0;
					// The kernel copies file to file (copy_file_range); no byte passes
					// through the heap.
					while (copied < size) {
						long n = in.transferTo(copied, size - copied, target.position(position + copied));
						if (n <= 0) {
							throw new StorageException("Cannot copy " + source + " into " + key);
						}
						copied += n;
					}
					position += size;
				}
				catch (NoSuchFileException ex) {
					throw new StoredObjectNotFoundException(source);
				}
			}
			if (this.settings.fsync) {
				target.force(false);
			}
			return position;
		}
		catch (NoSuchFileException ex) {
			throw new StoredObjectNotFoundException(key);
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot concatenate into " + key, ex);
		}
	}

	@Override
	public void complete(String key, long length, String finalKey) {
		Path from = this.paths.resolve(key);
		Path to = this.paths.resolve(finalKey);
		try (FileChannel channel = FileChannel.open(from, StandardOpenOption.WRITE)) {
			// A writer that died mid-piece may have left bytes past the recorded length.
			cutTo(channel, key, length);
			if (this.settings.fsync) {
				channel.force(false);
			}
		}
		catch (NoSuchFileException ex) {
			if (Files.exists(to)) {
				return;
			}
			throw new StoredObjectNotFoundException(key);
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot complete " + key, ex);
		}
		if (!from.equals(to)) {
			move(key, finalKey);
		}
	}

	@Override
	public void abort(String key) {
		delete(key);
	}

	@Override
	public StoredObject open(String key) {
		Path path = this.paths.resolve(key);
		long size = size(key);
		return new StoredObject(size, (position) -> openAt(path, key, position));
	}

	@Override
	public void delete(String key) {
		try {
			Files.deleteIfExists(this.paths.resolve(key));
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot delete " + key, ex);
		}
	}

	@Override
	public void move(String source, String target) {
		Path from = this.paths.resolve(source);
		Path to = this.paths.resolve(target);
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
			this.paths.syncDirectory(to.getParent());
			if (!from.getParent().equals(to.getParent())) {
				this.paths.syncDirectory(from.getParent());
			}
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot move " + source + " to " + target, ex);
		}
	}

	@Override
	public long size(String key) {
		try {
			return Files.size(this.paths.resolve(key));
		}
		catch (NoSuchFileException ex) {
			throw new StoredObjectNotFoundException(key);
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot read the size of " + key, ex);
		}
	}

	@Override
	public boolean exists(String key) {
		return Files.exists(this.paths.resolve(key));
	}

	@Override
	public void close() {
		this.settings.flusher.shutdown();
	}

	/**
	 * Make the file hold exactly the acknowledged bytes: cut off what a dead writer left,
	 * refuse if acknowledged bytes are missing (only after an OS crash with fsync off).
	 */
	private static void cutTo(FileChannel channel, String key, long offset) throws IOException {
		long size = channel.size();
		if (size < offset) {
			throw new StorageException(
					"Stored object " + key + " has " + size + " bytes but " + offset + " were acknowledged");
		}
		if (size > offset) {
			channel.truncate(offset);
		}
	}

	private static InputStream openAt(Path path, String key, long position) {
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
	}

	/**
	 * A second channel on the file that bypasses the page cache, or {@code null} when
	 * direct I/O is off or the file system refuses it (tmpfs on older kernels, some
	 * network file systems).
	 */
	private FileChannel openDirect(Path path) {
		if (this.settings.directBufferSize == 0 || !this.directSupported) {
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

	static void writeFully(FileChannel channel, ByteBuffer source, long position) throws IOException {
		long at = position;
		while (source.hasRemaining()) {
			at += channel.write(source, at);
		}
	}

}
