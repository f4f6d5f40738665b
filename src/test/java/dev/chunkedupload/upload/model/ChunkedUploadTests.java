package dev.chunkedupload.upload.model;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChunkedUploadTests {

	private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

	private static final Duration DAY = Duration.ofDays(1);

	@Test
	void appendWhenBytesAddedThenOffsetMovesAndExpiryCountsFromLastActivity() {
		ChunkedUpload upload = upload(100L);
		upload.append(40, new byte[] { 1 }, false, NOW.plusSeconds(60), DAY);
		assertThat(upload.getOffset()).isEqualTo(40);
		assertThat(upload.getExpiresAt()).contains(NOW.plusSeconds(60).plus(DAY));
		assertThat(upload.getLastActivityAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void appendWhenPastTotalThenThrowsAndNothingChanges() {
		ChunkedUpload upload = upload(100L);
		assertThatExceptionOfType(LengthMismatchException.class)
			.isThrownBy(() -> upload.append(101, new byte[0], false, NOW, DAY));
		assertThat(upload.getOffset()).isZero();
	}

	@Test
	void appendWhenLastChunkOfUnknownTotalThenTotalFixed() {
		ChunkedUpload upload = upload(null);
		upload.append(7, new byte[0], true, NOW, DAY);
		assertThat(upload.getTotalLength()).contains(7L);
	}

	@Test
	void completeWhenBytesMissingThenThrows() {
		ChunkedUpload upload = upload(100L);
		upload.append(99, new byte[0], false, NOW, DAY);
		assertThatExceptionOfType(UploadIncompleteException.class)
			.isThrownBy(() -> upload.complete("final", "md5", NOW));
		assertThat(upload.getStatus()).isEqualTo(UploadStatus.UPLOADING);
	}

	@Test
	void completeWhenAllBytesThenCompleteWithoutExpiry() {
		ChunkedUpload upload = upload(10L);
		upload.append(10, new byte[0], false, NOW, DAY);
		upload.complete("final", "abc", NOW);
		assertThat(upload.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(upload.getStorageKey()).isEqualTo("final");
		assertThat(upload.getMd5()).contains("abc");
		assertThat(upload.getExpiresAt()).isEmpty();
		assertThat(upload.isExpiredAt(NOW.plus(Duration.ofDays(1000)))).isFalse();
	}

	@Test
	void appendWhenCompleteThenThrows() {
		ChunkedUpload upload = upload(1L);
		upload.append(1, new byte[0], false, NOW, DAY);
		upload.complete("final", "abc", NOW);
		assertThatExceptionOfType(UploadAlreadyCompleteException.class)
			.isThrownBy(() -> upload.append(1, new byte[0], false, NOW, DAY));
	}

	@Test
	void expireWhenCompleteThenThrows() {
		ChunkedUpload upload = upload(0L);
		upload.complete("final", "abc", NOW);
		assertThatExceptionOfType(UploadAlreadyCompleteException.class).isThrownBy(upload::expire);
	}

	@Test
	void transitionsWhenAbortedThenUploadCountsAsGone() {
		ChunkedUpload upload = upload(10L);
		upload.abort(NOW);
		assertThatExceptionOfType(UploadNotFoundException.class)
			.isThrownBy(() -> upload.append(1, new byte[0], false, NOW, DAY));
		assertThatExceptionOfType(UploadNotFoundException.class).isThrownBy(() -> upload.complete("final", "abc", NOW));
	}

	@Test
	void isExpiredAtWhenIdlePastExpiryThenTrue() {
		ChunkedUpload upload = upload(10L);
		assertThat(upload.isExpiredAt(NOW.plus(DAY).minusMillis(1))).isFalse();
		assertThat(upload.isExpiredAt(NOW.plus(DAY))).isTrue();
		upload.expire();
		assertThat(upload.getStatus()).isEqualTo(UploadStatus.EXPIRED);
		assertThatExceptionOfType(UploadExpiredException.class)
			.isThrownBy(() -> upload.append(1, new byte[0], false, NOW, DAY));
	}

	@Test
	void storageKeyWhenPatternThenDatePartsAndIdFilledIn() {
		assertThat(UploadProperties.storageKey(UploadProperties.DEFAULT_PARTIAL_PATH,
				Instant.parse("2026-01-02T23:59:00Z"), "abc"))
			.isEqualTo("chunked_uploads/2026/01/02/abc.part");
	}

	private static ChunkedUpload upload(Long total) {
		return new ChunkedUpload("0123456789abcdef0123456789abcdef", "alice", UploadProtocol.CHUNKED, "f.bin", total,
				"partial", NOW, DAY);
	}

}
