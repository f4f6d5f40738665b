package dev.chunkedupload.storage.filesystem;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StoredObjectNotFoundException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Positional writes for chunks that arrive out of order: {@link ChunkStore#create} and
 * {@link ChunkStore#openAt}.
 */
class FileSystemUploadStorePositionalTests {

	@TempDir
	Path root;

	private FileSystemUploadStore store;

	@BeforeEach
	void createStore() {
		this.store = new FileSystemUploadStore(this.root, true, 4);
	}

	@AfterEach
	void closeStore() {
		this.store.close();
	}

	@Test
	void writeAtWhenChunksWrittenOutOfOrderThenEachLandsAtItsPosition() {
		this.store.begin("x/k.part");
		writeAt("x/k.part", 10, "world");
		writeAt("x/k.part", 0, "hello ----");
		writeAt("x/k.part", 6, "big ");
		assertThat(this.root.resolve("x/k.part")).hasContent("hello big world");
	}

	@Test
	void writeAtWhenFileLongerThanPositionThenNothingIsCutOff() {
		this.store.begin("k.part");
		writeAt("k.part", 0, "0123456789");
		writeAt("k.part", 2, "ab");
		assertThat(this.root.resolve("k.part")).hasContent("01ab456789");
	}

	@Test
	void writeAtWhenObjectMissingThenNotFoundAndNothingCreated() {
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.writeAt("k.part", 0));
		assertThat(this.root.resolve("k.part")).doesNotExist();
	}

	@Test
	void beginWhenObjectExistsThenKeepsItsBytes() {
		this.store.begin("k.part");
		writeAt("k.part", 0, "kept");
		this.store.begin("k.part");
		assertThat(this.root.resolve("k.part")).hasContent("kept");
	}

	@Test
	void writeAtWhenWritersRunInParallelThenRangesDoNotDisturbEachOther() throws Exception {
		this.store.begin("p.part");
		int chunks = 16;
		int size = 64 * 1024;
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> writes = new ArrayList<>();
			for (int i = chunks - 1; i >= 0; i--) {
				int chunk = i;
				writes.add(executor.submit(() -> {
					byte[] bytes = new byte[size];
					java.util.Arrays.fill(bytes, (byte) chunk);
					try (PieceWriter writer = this.store.writeAt("p.part", (long) chunk * size)) {
						for (int at = 0; at < size; at += 1000) {
							writer.write(bytes, at, Math.min(1000, size - at));
						}
						writer.sync();
					}
				}));
			}
			for (Future<?> write : writes) {
				write.get(20, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		byte[] stored = java.nio.file.Files.readAllBytes(this.root.resolve("p.part"));
		assertThat(stored).hasSize(chunks * size);
		for (int i = 0; i < stored.length; i++) {
			if (stored[i] != (byte) (i / size)) {
				throw new AssertionError("byte " + i + " is " + stored[i]);
			}
		}
	}

	private void writeAt(String key, long position, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		try (PieceWriter writer = this.store.writeAt(key, position)) {
			writer.write(bytes, 0, bytes.length);
			writer.sync();
			assertThat(writer.position()).isEqualTo(position + bytes.length);
		}
	}

}
