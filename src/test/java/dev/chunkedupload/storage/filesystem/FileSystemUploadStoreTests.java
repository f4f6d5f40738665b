package dev.chunkedupload.storage.filesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.StoredObjectNotFoundException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FileSystemUploadStoreTests {

	@TempDir
	Path root;

	private FileSystemUploadStore store;

	@BeforeEach
	void createStore() {
		// A tiny flush interval makes every write start a background flush.
		this.store = new FileSystemUploadStore(this.root, true, 4);
	}

	@AfterEach
	void closeStore() {
		this.store.close();
	}

	@Test
	void appendWhenNewKeyThenCreatesFileAndDirectories() {
		write("a/b/c.part", 0, "hello");
		assertThat(this.root.resolve("a/b/c.part")).hasContent("hello");
		assertThat(this.store.size("a/b/c.part")).isEqualTo(5);
	}

	@Test
	void appendWhenAtOffsetThenAppends() {
		write("k.part", 0, "hello ");
		write("k.part", 6, "world");
		assertThat(this.root.resolve("k.part")).hasContent("hello world");
	}

	@Test
	void appendWhenFileLongerThanOffsetThenCutBackFirst() throws IOException {
		write("k.part", 0, "hello ");
		Files.writeString(this.root.resolve("k.part"), "GARBAGE", StandardOpenOption.APPEND);
		write("k.part", 6, "world");
		assertThat(this.root.resolve("k.part")).hasContent("hello world");
	}

	@Test
	void appendWhenFileShorterThanOffsetThenRefuses() {
		write("k.part", 0, "abc");
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.store.append("k.part", 10));
		assertThat(this.root.resolve("k.part")).hasContent("abc");
	}

	@Test
	void writerWhenClosedWithoutSyncThenNextOpenStillCutsToRecordedOffset() {
		try (PieceWriter writer = this.store.append("k.part", 0)) {
			writer.write(bytes("partial chunk"), 0, 13);
			assertThat(writer.position()).isEqualTo(13);
		}
		this.store.append("k.part", 0).close();
		assertThat(this.store.size("k.part")).isZero();
	}

	@Test
	void moveWhenSourceExistsThenMovedAndRepeatable() {
		write("partial/x.part", 0, "data");
		this.store.move("partial/x.part", "final/2026/x");
		assertThat(this.store.exists("partial/x.part")).isFalse();
		assertThat(this.root.resolve("final/2026/x")).hasContent("data");
		this.store.move("partial/x.part", "final/2026/x");
		assertThat(this.root.resolve("final/2026/x")).hasContent("data");
	}

	@Test
	void moveWhenNeitherExistsThenNotFound() {
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.move("nope.part", "final/nope"));
	}

	@Test
	void openWhenPositionGivenThenStreamStartsThere() throws IOException {
		write("k", 0, "0123456789");
		StoredObject object = this.store.open("k");
		assertThat(object.size()).isEqualTo(10);
		try (InputStream in = object.openStream(7)) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("789");
		}
	}

	@Test
	void openWhenMissingThenNotFound() {
		assertThatExceptionOfType(StoredObjectNotFoundException.class).isThrownBy(() -> this.store.open("missing"));
		assertThatExceptionOfType(StoredObjectNotFoundException.class).isThrownBy(() -> this.store.size("missing"));
	}

	@Test
	void deleteWhenMissingThenNothingHappens() {
		write("k", 0, "x");
		this.store.delete("k");
		this.store.delete("k");
		assertThat(this.store.exists("k")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "../escape", "/etc/passwd", "a/../../b", "a//b", "a\\b", "", "a/./b/..", "a b" })
	void keysWhenUnsafeThenRefused(String key) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append(key, 0));
	}

	private void write(String key, long offset, String text) {
		byte[] data = bytes(text);
		try (PieceWriter writer = this.store.append(key, offset)) {
			for (int i = 0; i < data.length; i++) {
				writer.write(data, i, 1);
			}
			writer.sync();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
