package dev.chunkedupload.storage.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

/**
 * Whether the file-system store can take uploads: its root exists and is writable
 * ({@code DOWN} otherwise), and its file system has at least the configured free space
 * ({@code OUT_OF_SERVICE} otherwise: the server works, but should get no new uploads).
 * One {@code statvfs} per probe, no write.
 */
class FileSystemStoreHealthIndicator implements HealthIndicator {

	private final Path root;

	private final DataSize minFreeSpace;

	FileSystemStoreHealthIndicator(Path root, DataSize minFreeSpace) {
		this.root = root;
		this.minFreeSpace = minFreeSpace;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.unknown().withDetail("type", "filesystem").withDetail("root", this.root);
		if (!Files.isDirectory(this.root) || !Files.isWritable(this.root)) {
			return health.down().withDetail("error", "The store's root is missing or not writable").build();
		}
		long free;
		try {
			free = Files.getFileStore(this.root).getUsableSpace();
		}
		catch (IOException ex) {
			return health.down(ex).build();
		}
		health.withDetail("free", free).withDetail("threshold", this.minFreeSpace.toBytes());
		if (free < this.minFreeSpace.toBytes()) {
			return health.status(Status.OUT_OF_SERVICE)
				.withDetail("error",
						"Less free space than chunked-upload.storage.filesystem.min-free-space under the store's root")
				.build();
		}
		return health.up().build();
	}

}
