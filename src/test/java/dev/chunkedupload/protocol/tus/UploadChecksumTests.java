package dev.chunkedupload.protocol.tus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UploadChecksumTests {

	@Test
	void parseWhenSpecExampleThenSha1Digest() {
		UploadChecksum checksum = UploadChecksum.parse("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
		assertThat(checksum.algorithm()).isEqualTo("sha1");
		assertThat(checksum.digest()).hasSize(20);
		assertThat(checksum.encoded()).isEqualTo("Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
	}

	@Test
	void parseWhenMd5OrSha256ThenAccepted() {
		assertThat(UploadChecksum.parse("md5 XrY7u+Ae7tCTyyK7j1rNww==").digest()).hasSize(16);
		assertThat(UploadChecksum.parse("sha256 uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=").digest()).hasSize(32);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sha1 AAAA", "md5 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "sha256 XrY7u+Ae7tCTyyK7j1rNww==" })
	void parseWhenBase64DigestOfWrongLengthThenParsedToBeAMismatch(String header) {
		UploadChecksum checksum = UploadChecksum.parse(header);
		assertThat(checksum.digest().length)
			.isNotEqualTo(UploadChecksum.newDigest(checksum.algorithm()).getDigestLength());
	}

	@ParameterizedTest
	@ValueSource(strings = { "crc32 AAAAAA==", "sha512 AAAA", "blake3 AAAA" })
	void parseWhenAlgorithmUnknownThen400Unsupported(String header) {
		assertThatExceptionOfType(TusRequestException.class).isThrownBy(() -> UploadChecksum.parse(header))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().value()).isEqualTo(400);
				assertThat(ex.getType()).isEqualTo("unsupported-checksum-algorithm");
			});
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "", "sha1", "sha1 ", "SHA1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0",
					"sha1  Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "sha1 not*base64", "sha1:Kq5sNclPz7QV2+lfQIuc6R7oRu0=" })
	void parseWhenMalformedThen400Invalid(String header) {
		assertThatExceptionOfType(TusRequestException.class).isThrownBy(() -> UploadChecksum.parse(header))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().value()).isEqualTo(400);
				assertThat(ex.getType()).isEqualTo("invalid-checksum");
			});
	}

}
