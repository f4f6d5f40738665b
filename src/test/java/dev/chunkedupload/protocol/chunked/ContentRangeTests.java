package dev.chunkedupload.protocol.chunked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ContentRangeTests {

	@Test
	void parseWhenValidThenStartEndTotal() {
		ContentRange range = ContentRange.parse("bytes 100-199/1000");
		assertThat(range).isEqualTo(new ContentRange(100, 199, 1000));
		assertThat(range.length()).isEqualTo(100);
		assertThat(range.isLast()).isFalse();
		assertThat(ContentRange.parse("bytes 900-999/1000").isLast()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "bytes", "bytes 0-9", "bytes=0-9/10", "bytes 0-9/*", "bytes */10", "items 0-9/10",
			"bytes -1-9/10", "bytes 0--9/10", "bytes 5-2/10", "bytes 0-10/10", "bytes 0-9/9", "bytes a-b/c",
			"bytes 0-9/10 trailing", "bytes 0-99999999999999999999/1",
			"bytes 0-9223372036854775807/9223372036854775808", "bytes 0x0-0x9/10" })
	void parseWhenMalformedThenBadRequest(String header) {
		assertThatExceptionOfType(BadChunkRequestException.class).isThrownBy(() -> ContentRange.parse(header))
			.satisfies((ex) -> assertThat(ex.getType()).isEqualTo("invalid-content-range"));
	}

}
