package dev.chunkedupload.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What only the S3 store does: parts of one size recorded with their ETags, chunks of any
 * size coalesced through the staged tail, the records committed with the offset, and a
 * part size that always fits S3's 10,000 parts.
 */
class S3UploadStoreTests {

	private static final int PART = (int) S3UploadStore.MIN_PART_SIZE;

	private S3TestStores stores;

	private S3UploadStore store;

	@BeforeEach
	void start() throws Exception {
		this.stores = new S3TestStores();
		this.store = this.stores.store(PART);
	}

	@AfterEach
	void stop() throws Exception {
		this.stores.close();
	}

	@Test
	void partSizeWhenUploadsAreLargeThenRaisedSoTheLargestFitsInTenThousandParts() {
		assertThat(S3UploadStore.partSize(1, 1)).isEqualTo(5 * 1024 * 1024);
		assertThat(S3UploadStore.partSize(8 * 1024 * 1024, 50L * 1000 * 1000 * 1000)).isEqualTo(8 * 1024 * 1024);
		long fiveTerabytes = 5L * 1024 * 1024 * 1024 * 1024;
		long size = S3UploadStore.partSize(8 * 1024 * 1024, fiveTerabytes);
		assertThat(size * S3UploadStore.MAX_PARTS).isGreaterThanOrEqualTo(fiveTerabytes);
		assertThat(size % (1024 * 1024)).isZero();
	}

	@Test
	void sessionKeyWhenAskedThenTheFinalKeySoCompletionNeedsNoCopy() {
		assertThat(this.store.sessionKey("chunked_uploads/x.part", "uploads/x")).isEqualTo("uploads/x");
	}

	@Test
	void appendWhenSmallChunksAddUpThenPartsOfOneSizeAndTheRestStaged() throws IOException {
		byte[] file = random(2 * PART + 12_345, 1);
		int offset = 0;
		// Chunks of odd sizes, each synced and recorded as the core does.
		for (int size : new int[] { 1_000_000, 3_000_000, 4_000_000, 2_000_000, file.length - 10_000_000 }) {
			append("u", offset, file, offset, size);
			offset += size;
		}
		assertThat(offset).isEqualTo(file.length);
		List<Map<String, Object>> parts = this.stores.jdbc()
			.queryForList(
					"select part_number, size, etag from s3_session_part where session_key = 'u' order by part_number");
		assertThat(parts).hasSize(2);
		assertThat(parts).allSatisfy((part) -> {
			assertThat(((Number) part.get("SIZE")).longValue()).isEqualTo(PART);
			assertThat((String) part.get("ETAG")).isNotBlank();
		});
		Map<String, Object> session = this.stores.jdbc()
			.queryForMap("select * from s3_session where session_key = 'u'");
		assertThat(((Number) session.get("TAIL_LENGTH")).longValue()).isEqualTo(12_345);
		assertThat(this.store.size("u")).isEqualTo(file.length);

		this.store.complete("u", file.length, "u");
		assertThat(read("u")).isEqualTo(file);
		assertThat(this.stores.jdbc().queryForObject("select count(*) from s3_session", Integer.class)).isZero();
	}

	@Test
	void appendWhenAWriterUploadedPartsButNeverRecordedThemThenTheNextWriterReplacesThem() throws IOException {
		byte[] file = random(PART + 100, 2);
		append("u", 0, file, 0, 100);
		try (PieceWriter dead = this.store.append("u", 100)) {
			byte[] garbage = random(PART + 50, 3);
			dead.write(garbage, 0, garbage.length);
			dead.sync();
			// never recorded: the instance died before the offset was
		}
		S3UploadStore restarted = this.stores.store(PART);
		assertThat(restarted.size("u")).isEqualTo(100);
		try (PieceWriter writer = restarted.append("u", 100)) {
			writer.write(file, 100, PART);
			writer.sync();
			writer.record();
		}
		restarted.complete("u", file.length, "u");
		assertThat(read("u")).isEqualTo(file);
	}

	@Test
	void appendWhenOffsetIsNotWhatWasRecordedThenRefused() {
		append("u", 0, random(10, 4), 0, 10);
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.store.append("u", 5));
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.store.append("u", 11));
	}

	@Test
	void abortWhenPartsWereUploadedThenRecordsAndTailGo() {
		append("u", 0, random(PART + 7, 5), 0, PART + 7);
		this.store.abort("u");
		assertThat(this.store.exists("u")).isFalse();
		assertThat(this.stores.jdbc().queryForObject("select count(*) from s3_session_part", Integer.class)).isZero();
		assertThat(this.stores.client.listObjectsV2((request) -> request.bucket(this.stores.bucket)).contents())
			.isEmpty();
	}

	@Test
	void sweepOrphansWhenDeadWritersLeftMultipartUploadsAndTailsThenOnlyThoseGo() {
		append("kept", 0, random(PART + 10, 6), 0, PART + 10);
		String orphan = this.stores.client
			.createMultipartUpload((request) -> request.bucket(this.stores.bucket).key("prefix/dead"))
			.uploadId();
		this.stores.client.putObject((request) -> request.bucket(this.stores.bucket).key("prefix/dead.tail-x"),
				software.amazon.awssdk.core.sync.RequestBody.fromString("left"));

		assertThat(this.store.sweepOrphans(Instant.now().minusSeconds(3600))).as("nothing old enough").isZero();
		assertThat(this.store.sweepOrphans(Instant.now().plusSeconds(60))).isEqualTo(2);

		assertThat(this.stores.client.listMultipartUploads((request) -> request.bucket(this.stores.bucket)).uploads())
			.extracting((upload) -> upload.uploadId())
			.doesNotContain(orphan)
			.hasSize(1);
		assertThat(this.stores.client.listObjectsV2((request) -> request.bucket(this.stores.bucket)).contents())
			.extracting((object) -> object.key())
			.containsExactly("prefix/kept" + this.stores.jdbc()
				.queryForObject("select tail_key from s3_session where session_key = 'kept'", String.class)
				.substring("kept".length()));
		this.store.complete("kept", PART + 10, "kept");
	}

	private void append(String key, long offset, byte[] file, int from, int length) {
		try (PieceWriter writer = this.store.append(key, offset)) {
			writer.write(file, from, length);
			writer.sync();
			writer.record();
		}
	}

	private byte[] read(String key) throws IOException {
		try (InputStream in = this.store.open(key).openStream(0)) {
			return in.readAllBytes();
		}
	}

	private static byte[] random(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
