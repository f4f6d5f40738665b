package dev.chunkedupload.storage.s3;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import dev.chunkedupload.storage.StoredObjectNotFoundException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Completed objects joined by {@code UploadPartCopy}: where S3's part rules allow it, and
 * that the joined upload is made of copied parts, recorded, with no byte uploaded.
 */
class S3PartCopiesTests {

	private static final long MIB = 1024 * 1024;

	private static final long GIB = 1024 * MIB;

	@Test
	void rangesWhenEveryObjectButTheLastHasFiveMebibytesThenOnePartEach() {
		assertThat(S3PartCopies.ranges(List.of(7 * MIB, 7 * MIB, 1L))).extracting(S3PartCopies.Range::length)
			.containsExactly(7 * MIB, 7 * MIB, 1L);
		assertThat(S3PartCopies.ranges(List.of(5 * MIB, 7 * MIB, 1L))).as("parts of one size but the last").isNull();
		assertThat(S3PartCopies.ranges(List.of(3L))).singleElement().isEqualTo(new S3PartCopies.Range(0, 0, 3));
		assertThat(S3PartCopies.ranges(List.of(6 * MIB, 0L))).hasSize(1);
	}

	@Test
	void rangesWhenAnObjectButTheLastIsSmallOrNothingIsLeftThenRefused() {
		assertThat(S3PartCopies.ranges(List.of(5 * MIB - 1, 7 * MIB))).isNull();
		assertThat(S3PartCopies.ranges(List.of(6 * MIB, 0L, 6 * MIB))).isNull();
		assertThat(S3PartCopies.ranges(List.of(0L))).isNull();
		assertThat(S3PartCopies.ranges(List.of())).isNull();
		assertThat(S3PartCopies.fit(1, List.of(6 * MIB, 1L))).as("only into an empty upload").isFalse();
		assertThat(S3PartCopies.fit(0, List.of(6 * MIB, 1L))).isTrue();
	}

	@Test
	void rangesWhenAnObjectIsOverFiveGibibytesThenCopiedInRangesOfAtMostThat() {
		assertThat(S3PartCopies.ranges(List.of(12 * GIB + 5, 10L))).as("cut into unequal parts").isNull();
		long size = 12 * GIB;
		List<S3PartCopies.Range> ranges = S3PartCopies.ranges(List.of(size, 10L));
		assertThat(ranges).hasSize(4);
		assertThat(ranges.subList(0, 3)).allSatisfy((range) -> {
			assertThat(range.source()).isZero();
			assertThat(range.length()).isBetween(S3UploadStore.MIN_PART_SIZE, S3PartCopies.MAX_COPY);
		});
		assertThat(ranges.get(1).first()).isEqualTo(ranges.get(0).length());
		assertThat(ranges.subList(0, 3).stream().mapToLong(S3PartCopies.Range::length).sum()).isEqualTo(size);
		assertThat(ranges.get(3)).isEqualTo(new S3PartCopies.Range(1, 0, 10));
	}

	@Test
	void rangesWhenMoreThanTenThousandPartsThenRefused() {
		List<Long> sizes = new ArrayList<>(Collections.nCopies(S3UploadStore.MAX_PARTS, 5 * MIB));
		assertThat(S3PartCopies.ranges(sizes)).hasSize(S3UploadStore.MAX_PARTS);
		sizes.add(1L);
		assertThat(S3PartCopies.ranges(sizes)).isNull();
	}

	@Test
	void concatenateWhenSizesFitThenPartsAreTheCopiedObjectsRecordedAndCompletedInPlace() throws Exception {
		try (S3TestStores stores = new S3TestStores()) {
			S3UploadStore store = stores.store(S3UploadStore.MIN_PART_SIZE);
			byte[] a = random((int) (5 * MIB + 1), 1);
			byte[] b = random(777, 2);
			put(stores, "done/a", a);
			put(stores, "done/b", b);
			store.begin("u");
			assertThat(store.concatenate("u", 0, List.of("done/a", "done/a", "done/b")))
				.isEqualTo(2L * a.length + b.length);
			List<Map<String, Object>> parts = stores.jdbc()
				.queryForList("select part_number, size from s3_session_part where session_key = 'u' order by 1");
			assertThat(parts).extracting((part) -> ((Number) part.get("SIZE")).longValue())
				.containsExactly((long) a.length, (long) a.length, (long) b.length);
			assertThat(stores.jdbc()
				.queryForObject("select tail_key from s3_session where session_key = 'u'", String.class))
				.as("no byte staged through the instance")
				.isNull();
			assertThat(store.canConcatenate(0, List.of(5 * MIB - 1, 1L))).isFalse();
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> store.concatenate("v", 0, List.of("done/b", "done/a")));
			assertThatExceptionOfType(StoredObjectNotFoundException.class)
				.isThrownBy(() -> store.concatenate("v", 0, List.of("done/a", "missing")));

			store.complete("u", 2L * a.length + b.length, "u");
			byte[] joined = stores.client.getObjectAsBytes((request) -> request.bucket(stores.bucket).key("prefix/u"))
				.asByteArray();
			byte[] expected = new byte[2 * a.length + b.length];
			System.arraycopy(a, 0, expected, 0, a.length);
			System.arraycopy(a, 0, expected, a.length, a.length);
			System.arraycopy(b, 0, expected, 2 * a.length, b.length);
			assertThat(joined).isEqualTo(expected);
			assertThat(stores.client.listMultipartUploads((request) -> request.bucket(stores.bucket)).uploads())
				.isEmpty();
		}
	}

	private static void put(S3TestStores stores, String key, byte[] bytes) {
		stores.client.putObject((request) -> request.bucket(stores.bucket).key("prefix/" + key),
				RequestBody.fromBytes(bytes));
	}

	private static byte[] random(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
