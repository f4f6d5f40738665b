package dev.chunkedupload.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every {@link UploadStore} promises, run against each store by a subclass: pieces
 * written, durable (synced and recorded) and recovered after a crash, completion, abort,
 * ranged reads, missing objects, and capabilities declared truthfully (a declared one
 * works, an undeclared one refuses with {@link UnsupportedOperationException}).
 */
public abstract class AbstractUploadStoreContractTests {

	private UploadStore store;

	/**
	 * A store over an empty place.
	 * @return the store
	 */
	protected abstract UploadStore createStore();

	/**
	 * A new store over the same place as the last one, as after a restart or a crash of
	 * the instance that wrote through it.
	 * @return the store
	 */
	protected abstract UploadStore reopenStore();

	/**
	 * Release what a store holds.
	 * @param store the store
	 */
	protected void close(UploadStore store) {
		if (store instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	@BeforeEach
	void openStore() {
		this.store = createStore();
	}

	@AfterEach
	void closeStore() {
		close(this.store);
	}

	@Test
	void beginWhenNewThenEmptyAndWhenAgainThenBytesKept() {
		this.store.begin("a/b/u.part");
		assertThat(this.store.exists("a/b/u.part")).isTrue();
		assertThat(this.store.size("a/b/u.part")).isZero();
		append("a/b/u.part", 0, "hello");
		this.store.begin("a/b/u.part");
		assertThat(this.store.size("a/b/u.part")).isEqualTo(5);
	}

	@Test
	void appendWhenPiecesFollowEachOtherThenCompletedObjectHoldsThemInOrder() throws IOException {
		append("u.part", 0, "hello ");
		append("u.part", 6, "world");
		this.store.complete("u.part", 11, "done/u");
		assertThat(read("done/u", 0)).isEqualTo("hello world");
		assertThat(this.store.exists("u.part")).isFalse();
	}

	@Test
	void appendWhenWriterDiedBeforeItsOffsetWasRecordedThenItsBytesAreCutOff() throws IOException {
		append("u.part", 0, "hello ");
		try (PieceWriter writer = this.store.append("u.part", 6)) {
			writer.write(bytes("GARBAGE"), 0, 7);
			// closed without sync and never recorded: a request that died
		}
		append("u.part", 6, "world");
		this.store.complete("u.part", 11, "done/u");
		assertThat(read("done/u", 0)).isEqualTo("hello world");
	}

	@Test
	void appendWhenFewerBytesStoredThanAcknowledgedThenRefused() {
		append("u.part", 0, "hello");
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.store.append("u.part", 6).close());
	}

	@Test
	void piecesWhenSyncedThenRecoveredByAnotherStoreAfterACrash() throws IOException {
		append("u.part", 0, "durable ");
		try (PieceWriter writer = this.store.append("u.part", 8)) {
			writer.write(bytes("lost"), 0, 4);
		}
		close(this.store);
		this.store = reopenStore();
		append("u.part", 8, "bytes");
		this.store.complete("u.part", 13, "done/u");
		assertThat(read("done/u", 0)).isEqualTo("durable bytes");
	}

	@Test
	void discardAfterWhenBytesPastOffsetThenCutAndWhenMissingThenNothing() {
		append("u.part", 0, "hello world");
		this.store.discardAfter("u.part", 5);
		assertThat(this.store.size("u.part")).isEqualTo(5);
		this.store.discardAfter("missing.part", 0);
		assertThat(this.store.exists("missing.part")).isFalse();
	}

	@Test
	void completeWhenMoreBytesThanLengthThenObjectHasExactlyTheLength() throws IOException {
		append("u.part", 0, "hello world");
		this.store.complete("u.part", 5, "done/u");
		assertThat(read("done/u", 0)).isEqualTo("hello");
		assertThat(this.store.size("done/u")).isEqualTo(5);
	}

	@Test
	void completeWhenRepeatedAfterItHappenedThenSucceeds() throws IOException {
		append("u.part", 0, "hello");
		this.store.complete("u.part", 5, "done/u");
		this.store.complete("u.part", 5, "done/u");
		assertThat(read("done/u", 0)).isEqualTo("hello");
	}

	@Test
	void completeWhenFinalKeyIsTheUploadKeyThenTheObjectStaysThere() throws IOException {
		append("piece", 0, "hello world");
		this.store.complete("piece", 5, "piece");
		assertThat(read("piece", 0)).isEqualTo("hello");
	}

	@Test
	void completeWhenNeitherUploadNorObjectThenNotFound() {
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.complete("missing.part", 0, "done/missing"));
	}

	@Test
	void completeWhenFewerBytesThanLengthThenRefusedAndNothingCompleted() {
		append("u.part", 0, "hello");
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.store.complete("u.part", 9, "done/u"));
		assertThat(this.store.exists("done/u")).isFalse();
	}

	@Test
	void completeWhenEmptyThenEmptyObject() throws IOException {
		this.store.begin("u.part");
		this.store.complete("u.part", 0, "done/u");
		assertThat(this.store.open("done/u").size()).isZero();
		assertThat(read("done/u", 0)).isEmpty();
	}

	@Test
	void abortWhenUnfinishedThenGoneAndWhenMissingThenNothing() {
		append("u.part", 0, "hello");
		this.store.abort("u.part");
		assertThat(this.store.exists("u.part")).isFalse();
		this.store.abort("u.part");
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.complete("u.part", 5, "done/u"));
	}

	@Test
	void openWhenPositionsGivenThenEachStreamStartsThere() throws IOException {
		byte[] data = new byte[300_000];
		new Random(3).nextBytes(data);
		try (PieceWriter writer = this.store.append("u.part", 0)) {
			writer.write(data, 0, data.length);
			writer.sync();
			writer.record();
		}
		this.store.complete("u.part", data.length, "done/u");
		StoredObject object = this.store.open("done/u");
		assertThat(object.size()).isEqualTo(data.length);
		for (int position : new int[] { 0, 1, 4095, 4096, 131_072, 299_999, 300_000 }) {
			try (InputStream in = object.openStream(position)) {
				byte[] rest = in.readAllBytes();
				assertThat(rest).as("from %d", position).hasSize(data.length - position);
				if (rest.length > 0) {
					assertThat(rest[0]).isEqualTo(data[position]);
					assertThat(rest[rest.length - 1]).isEqualTo(data[data.length - 1]);
				}
			}
		}
	}

	@Test
	void missingObjectsWhenReadOrSizedThenNotFoundAndWhenDeletedThenNothing() {
		assertThatExceptionOfType(StoredObjectNotFoundException.class).isThrownBy(() -> this.store.open("missing"));
		assertThatExceptionOfType(StoredObjectNotFoundException.class).isThrownBy(() -> this.store.size("missing"));
		assertThat(this.store.exists("missing")).isFalse();
		this.store.delete("missing");
	}

	@Test
	void deleteWhenCompletedThenGone() {
		append("u.part", 0, "hello");
		this.store.complete("u.part", 5, "done/u");
		this.store.delete("done/u");
		assertThat(this.store.exists("done/u")).isFalse();
		assertThatExceptionOfType(StoredObjectNotFoundException.class).isThrownBy(() -> this.store.open("done/u"));
	}

	@Test
	void writeAtWhenDeclaredThenPiecesLandAtTheirPositionsElseRefused() throws IOException {
		this.store.begin("u.part");
		if (!this.store.can(StoreCapability.WRITE_AT)) {
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> this.store.writeAt("u.part", 0));
			return;
		}
		writeAt("u.part", 6, "world");
		writeAt("u.part", 0, "hello ");
		this.store.complete("u.part", 11, "done/u");
		assertThat(read("done/u", 0)).isEqualTo("hello world");
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.writeAt("missing.part", 0));
	}

	@Test
	void readUnfinishedWhenDeclaredThenBytesOfTheUnfinishedUploadElseRefused() throws IOException {
		append("u.part", 0, "hello world");
		if (!this.store.can(StoreCapability.READ_UNFINISHED)) {
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> this.store.readUnfinished("u.part", 0));
			return;
		}
		try (InputStream in = this.store.readUnfinished("u.part", 6)) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world");
		}
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.readUnfinished("missing.part", 0));
	}

	@Test
	void concatenateWhenDeclaredThenObjectsAppendedInOrderElseRefused() throws IOException {
		append("a.part", 0, "hello ");
		this.store.complete("a.part", 6, "done/a");
		append("b.part", 0, "world");
		this.store.complete("b.part", 5, "done/b");
		append("u.part", 0, ">> GARBAGE");
		if (!this.store.canConcatenate(3, List.of(6L, 5L, 6L))) {
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> this.store.concatenate("u.part", 3, List.of("done/a", "done/b")));
			return;
		}
		assertThat(this.store.concatenate("u.part", 3, List.of("done/a", "done/b", "done/a"))).isEqualTo(20);
		this.store.complete("u.part", 20, "done/u");
		assertThat(read("done/u", 0)).isEqualTo(">> hello worldhello ");
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.concatenate("done/u", 0, List.of("missing")));
	}

	@Test
	void concatenateWhenObjectsOfSeveralMebibytesThenJoinedFromTheStartReplacingWhatWasThere() throws IOException {
		byte[] a = random(5 * 1024 * 1024 + 3, 1);
		// One size but the last, as the parts of any S3 upload must be (R2 insists).
		byte[] b = random(5 * 1024 * 1024 + 3, 2);
		byte[] c = random(1000, 3);
		complete("done/a", a);
		complete("done/b", b);
		complete("done/c", c);
		append("u.part", 0, "GARBAGE");
		List<Long> sizes = List.of((long) a.length, (long) b.length, (long) c.length);
		if (!this.store.canConcatenate(0, sizes)) {
			assertThat(this.store.can(StoreCapability.CONCATENATE)).isFalse();
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> this.store.concatenate("u.part", 0, List.of("done/a", "done/b", "done/c")));
			return;
		}
		long length = a.length + b.length + c.length;
		assertThat(this.store.concatenate("u.part", 0, List.of("done/a", "done/b", "done/c"))).isEqualTo(length);
		assertThat(this.store.can(StoreCapability.CONCATENATE)).isTrue();
		// Durable and recorded when concatenate returns: another instance completes it.
		close(this.store);
		this.store = reopenStore();
		this.store.complete("u.part", length, "done/u");
		try (InputStream in = this.store.open("done/u").openStream(0)) {
			byte[] joined = in.readAllBytes();
			assertThat(joined).hasSize((int) length);
			assertThat(Arrays.copyOfRange(joined, 0, a.length)).isEqualTo(a);
			assertThat(Arrays.copyOfRange(joined, a.length, a.length + b.length)).isEqualTo(b);
			assertThat(Arrays.copyOfRange(joined, a.length + b.length, (int) length)).isEqualTo(c);
		}
		assertThat(this.store.size("done/a")).as("sources stay").isEqualTo(a.length);
	}

	@Test
	void serverSideCopyWhenDeclaredThenConcatenateIsToo() {
		if (this.store.can(StoreCapability.SERVER_SIDE_COPY)) {
			assertThat(this.store.can(StoreCapability.CONCATENATE)).isTrue();
		}
		else {
			assertThat(this.store.capabilities()).doesNotContain(StoreCapability.SERVER_SIDE_COPY);
		}
	}

	@Test
	void moveWhenDeclaredThenObjectUnderNewKeyAndRepeatableElseRefused() throws IOException {
		append("u.part", 0, "hello");
		this.store.complete("u.part", 5, "done/u");
		if (!this.store.can(StoreCapability.MOVE)) {
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> this.store.move("done/u", "records/u"));
			return;
		}
		this.store.move("done/u", "records/u");
		this.store.move("done/u", "records/u");
		assertThat(this.store.exists("done/u")).isFalse();
		assertThat(read("records/u", 0)).isEqualTo("hello");
		assertThatExceptionOfType(StoredObjectNotFoundException.class)
			.isThrownBy(() -> this.store.move("missing", "records/missing"));
	}

	private void append(String key, long offset, String text) {
		byte[] data = bytes(text);
		try (PieceWriter writer = this.store.append(key, offset)) {
			writer.write(data, 0, data.length);
			writer.sync();
			writer.record();
			assertThat(writer.position()).isEqualTo(offset + data.length);
		}
	}

	private void complete(String key, byte[] data) {
		try (PieceWriter writer = this.store.append(key + ".part", 0)) {
			writer.write(data, 0, data.length);
			writer.sync();
			writer.record();
		}
		this.store.complete(key + ".part", data.length, key);
	}

	private static byte[] random(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	private void writeAt(String key, long position, String text) {
		byte[] data = bytes(text);
		try (PieceWriter writer = this.store.writeAt(key, position)) {
			writer.write(data, 0, data.length);
			writer.sync();
			writer.record();
		}
	}

	private String read(String key, long position) throws IOException {
		try (InputStream in = this.store.open(key).openStream(position)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
