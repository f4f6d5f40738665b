package dev.chunkedupload.upload.numbered;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.UploadException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChunkLayoutTests {

	@ParameterizedTest(name = "{0} bytes in {2} chunks of {1}: last has {3}")
	@CsvSource({ "2500, 1000, 2, 1500", "2500, 1000, 3, 500", "1000, 1000, 1, 1000", "999, 1000, 1, 999",
			"0, 1000, 1, 0", "1999, 1000, 1, 1999", "3000, 1000, 3, 1000" })
	void layoutWhenConsistentThenLastChunkTakesTheRest(long total, long chunkSize, int chunks, long last) {
		ChunkLayout layout = new ChunkLayout(total, chunkSize, chunks);
		assertThat(layout.length(chunks)).isEqualTo(last);
		assertThat(layout.start(chunks)).isEqualTo((chunks - 1) * chunkSize);
		assertThat(layout.end(chunks)).isEqualTo(total);
		if (chunks > 1) {
			assertThat(layout.length(1)).isEqualTo(chunkSize);
		}
	}

	@ParameterizedTest(name = "{0} bytes in {2} chunks of {1}")
	@CsvSource({ "2000, 1000, 1", "3000, 1000, 4", "2000, 1000, 3", "-1, 1000, 1", "1000, 0, 1", "1000, 1000, 0",
			"0, 1000, 2", "9223372036854775807, 9223372036854775807, 3", "200000000, 1, 200000000" })
	void layoutWhenInconsistentThenRefused(long total, long chunkSize, int chunks) {
		assertThatExceptionOfType(InvalidUploadRequestException.class)
			.isThrownBy(() -> new ChunkLayout(total, chunkSize, chunks));
	}

	@ParameterizedTest(name = "chunk {0} of {1} bytes")
	@CsvSource({ "0, 1000", "4, 1000", "1, 999", "3, 1000" })
	void requireChunkWhenNumberOrLengthWrongThenRefused(int number, long length) {
		ChunkLayout layout = new ChunkLayout(3500, 1000, 3);
		assertThatExceptionOfType(UploadException.class).isThrownBy(() -> layout.requireChunk(number, length));
	}

}
