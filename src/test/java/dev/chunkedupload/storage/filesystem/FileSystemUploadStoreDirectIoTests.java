package dev.chunkedupload.storage.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.chunkedupload.storage.PieceWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code O_DIRECT} writer: aligned buffers through the device, unaligned heads and
 * tails through the page cache. Chunks of random lengths at random offsets, written in
 * random pieces, must leave exactly the bytes written, whatever the alignment.
 */
class FileSystemUploadStoreDirectIoTests {

	/** Two alignment units, so that chunks fill, spill over and leave tails. */
	private static final int BUFFER = 2 * WriteSettings.DIRECT_ALIGNMENT;

	@TempDir
	Path root;

	private FileSystemUploadStore store;

	@BeforeEach
	void createStore() {
		this.store = new FileSystemUploadStore(this.root, true, 4 * 1024 * 1024, BUFFER);
	}

	@AfterEach
	void closeStore() {
		this.store.close();
	}

	@Test
	void appendWhenDirectIoOnThenWriterBypassesPageCache() {
		try (PieceWriter writer = this.store.append("k.part", 0)) {
			assertThat(writer.getClass().getSimpleName()).isEqualTo("DirectPieceWriter");
		}
	}

	@Test
	void appendWhenFsyncOffThenStillDirectAndBytesRight() throws IOException {
		byte[] data = new byte[2 * BUFFER + 123];
		new Random(11).nextBytes(data);
		try (FileSystemUploadStore unsynced = new FileSystemUploadStore(this.root, false, 4 * 1024 * 1024, BUFFER);
				PieceWriter writer = unsynced.append("u.part", 0)) {
			assertThat(writer.getClass().getSimpleName()).isEqualTo("DirectPieceWriter");
			writer.write(data, 0, data.length);
			writer.sync();
		}
		assertThat(Files.readAllBytes(this.root.resolve("u.part"))).isEqualTo(data);
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void chunksWhenRandomOffsetsAndPiecesThenFileHoldsExactlyTheBytes(long seed) throws IOException {
		Random random = new Random(seed);
		byte[] expected = new byte[0];
		for (int chunk = 0; chunk < 12; chunk++) {
			int length = random.nextInt(3 * BUFFER + 10);
			byte[] data = new byte[length];
			random.nextBytes(data);
			try (PieceWriter writer = this.store.append("k.part", expected.length)) {
				for (int at = 0; at < length;) {
					int piece = Math.min(length - at, 1 + random.nextInt(BUFFER + 100));
					writer.write(data, at, piece);
					at += piece;
				}
				assertThat(writer.position()).isEqualTo(expected.length + length);
				writer.sync();
			}
			byte[] joined = Arrays.copyOf(expected, expected.length + length);
			System.arraycopy(data, 0, joined, expected.length, length);
			expected = joined;
			assertThat(Files.readAllBytes(this.root.resolve("k.part"))).isEqualTo(expected);
		}
	}

	@Test
	void writerWhenWritingAfterSyncThenContinuesAtTheUnalignedPosition() throws IOException {
		byte[] data = new byte[3 * BUFFER];
		new Random(9).nextBytes(data);
		try (PieceWriter writer = this.store.append("k.part", 0)) {
			writer.write(data, 0, BUFFER + 100);
			writer.sync();
			writer.write(data, BUFFER + 100, data.length - BUFFER - 100);
			writer.sync();
		}
		assertThat(Files.readAllBytes(this.root.resolve("k.part"))).isEqualTo(data);
	}

	@Test
	void writerWhenClosedWithoutSyncThenNextOpenCutsBackToRecordedOffset() throws IOException {
		byte[] data = new byte[3 * BUFFER + 7];
		new Random(10).nextBytes(data);
		try (PieceWriter writer = this.store.append("k.part", 0)) {
			writer.write(data, 0, 1000);
			writer.sync();
			// more than a buffer, so some of it reaches the device before the close
			writer.write(data, 1000, data.length - 1000);
		}
		this.store.append("k.part", 1000).close();
		assertThat(Files.readAllBytes(this.root.resolve("k.part"))).isEqualTo(Arrays.copyOf(data, 1000));
	}

}
