package dev.chunkedupload.storage.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Keys as paths below the store's root: only safe characters, never outside the root; and
 * the directory syncs that make new and renamed files survive a crash.
 */
final class KeyPaths {

	private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

	private final Path root;

	private final boolean fsync;

	KeyPaths(Path root, boolean fsync) {
		this.root = root;
		this.fsync = fsync;
	}

	Path resolve(String key) {
		if (key == null || !SAFE_KEY.matcher(key).matches() || key.contains("..")) {
			throw new IllegalArgumentException("Unsafe storage key: " + key);
		}
		Path path = this.root.resolve(key).normalize();
		if (!path.startsWith(this.root)) {
			throw new IllegalArgumentException("Unsafe storage key: " + key);
		}
		return path;
	}

	void syncDirectory(Path directory) throws IOException {
		if (!this.fsync) {
			return;
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems refuse to open or sync a directory; the file data is
			// synced regardless, so only the rename's durability is weaker there.
			if (Files.isDirectory(directory)) {
				return;
			}
			throw ex;
		}
	}

}
