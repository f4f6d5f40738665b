package dev.chunkedupload.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SizesTests {

	@Test
	void humanWhenBytesThenBinaryUnitsWithThreeSignificantDigits() {
		assertThat(Sizes.human(0)).isEqualTo("0 bytes");
		assertThat(Sizes.human(1)).isEqualTo("1 byte");
		assertThat(Sizes.human(1023)).isEqualTo("1023 bytes");
		assertThat(Sizes.human(1024)).isEqualTo("1.00 KiB");
		assertThat(Sizes.human(1536)).isEqualTo("1.50 KiB");
		assertThat(Sizes.human(8 * 1024 * 1024)).isEqualTo("8.00 MiB");
		assertThat(Sizes.human(50L * 1000 * 1000 * 1000)).isEqualTo("46.6 GiB");
		assertThat(Sizes.human(300L * 1024 * 1024 * 1024)).isEqualTo("300 GiB");
		assertThat(Sizes.human(Long.MAX_VALUE)).isEqualTo("8192 PiB");
	}

}
