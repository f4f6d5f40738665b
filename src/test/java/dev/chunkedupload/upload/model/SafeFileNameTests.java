package dev.chunkedupload.upload.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SafeFileNameTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			report.pdf                 | report.pdf
			../../etc/passwd           | passwd
			C:\\Users\\me\\secret.txt  | secret.txt
			`dir/`                     | upload
			..                         | upload
			.hidden                    | hidden
			`  spaced name.txt  `      | spaced name.txt
			`a"b.txt`                  | ab.txt
			`Ünïcödé 文件.bin`          | Ünïcödé 文件.bin
			""")
	void ofWhenClientNameThenLastSegmentWithoutDangerousCharacters(String raw, String expected) {
		assertThat(SafeFileName.of(raw)).isEqualTo(expected);
	}

	@Test
	void ofWhenControlAndBidiCharactersThenRemoved() {
		assertThat(SafeFileName.of("evil\u0000\r\n\u202Etxt.exe")).isEqualTo("eviltxt.exe");
	}

	@Test
	void ofWhenNullThenFallback() {
		assertThat(SafeFileName.of(null)).isEqualTo("upload");
	}

	@Test
	void ofWhenTooLongThenCutKeepingExtension() {
		String name = SafeFileName.of("x".repeat(1000) + ".tar.gz");
		assertThat(name).hasSize(SafeFileName.MAX_LENGTH).endsWith(".gz");
	}

}
