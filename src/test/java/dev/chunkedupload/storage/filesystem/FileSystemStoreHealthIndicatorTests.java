package dev.chunkedupload.storage.filesystem;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The file-system store's readiness check against a real directory: the free space its
 * file system reports, compared with the threshold.
 */
class FileSystemStoreHealthIndicatorTests {

	@TempDir
	Path root;

	@Test
	void healthWhenFreeSpaceAboveThresholdThenUpWithFreeAndThreshold() throws Exception {
		Health health = new FileSystemStoreHealthIndicator(this.root, DataSize.ofBytes(1)).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		// Other processes write meanwhile: the same file system's figure, within 1 GiB.
		assertThat((long) health.getDetails().get("free")).isCloseTo(Files.getFileStore(this.root).getUsableSpace(),
				within(1L << 30));
		assertThat(health.getDetails()).containsEntry("threshold", 1L).containsEntry("type", "filesystem");
	}

	@Test
	void healthWhenThresholdAboveFreeSpaceThenOutOfService() throws Exception {
		long free = Files.getFileStore(this.root).getUsableSpace();
		DataSize threshold = DataSize.ofBytes(free + DataSize.ofGigabytes(1).toBytes());
		Health health = new FileSystemStoreHealthIndicator(this.root, threshold).health();
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("threshold", threshold.toBytes()).containsKey("error");
	}

	@Test
	void healthWhenThresholdIsZeroThenUpWhateverTheSpace() {
		assertThat(new FileSystemStoreHealthIndicator(this.root, DataSize.ofBytes(0)).health().getStatus())
			.isEqualTo(Status.UP);
	}

	@Test
	void healthWhenRootIsMissingThenDown() {
		Health health = new FileSystemStoreHealthIndicator(this.root.resolve("gone"), DataSize.ofBytes(0)).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsKey("error");
	}

}
