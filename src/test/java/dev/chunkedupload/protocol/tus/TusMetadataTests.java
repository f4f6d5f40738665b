package dev.chunkedupload.protocol.tus;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TusMetadataTests {

	@Test
	void parseWhenSpecExampleThenKeysValuesAndRawKept() {
		TusMetadata metadata = TusMetadata.parse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential");
		assertThat(metadata.values()).containsOnlyKeys("filename", "is_confidential");
		assertThat(metadata.filename()).isEqualTo("world_domination_plan.pdf");
		assertThat(metadata.values().get("is_confidential")).isEmpty();
		assertThat(metadata.raw()).isEqualTo("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential");
	}

	@Test
	void parseWhenAbsentThenNone() {
		assertThat(TusMetadata.parse(null)).isSameAs(TusMetadata.NONE);
		assertThat(TusMetadata.NONE.filename()).isNull();
		assertThat(TusMetadata.NONE.filetype()).isNull();
		assertThat(TusMetadata.NONE.raw()).isNull();
	}

	@Test
	void parseWhenWhiteSpaceAroundPairsThenAllowedAndRawTrimmed() {
		TusMetadata metadata = TusMetadata.parse("  filename YS50eHQ= ,\tflag , name Yg==  ");
		assertThat(metadata.values()).containsOnlyKeys("filename", "flag", "name");
		assertThat(metadata.raw()).isEqualTo("filename YS50eHQ= ,\tflag , name Yg==");
	}

	@Test
	void filenameWhenUtf8ThenDecodedElseNameKeyUsed() {
		assertThat(TusMetadata.parse("filename " + base64("résumé 🚀.pdf")).filename()).isEqualTo("résumé 🚀.pdf");
		assertThat(TusMetadata.parse("name " + base64("uppy.bin")).filename()).isEqualTo("uppy.bin");
		assertThat(TusMetadata.parse("name " + base64("b") + ",filename " + base64("a")).filename()).isEqualTo("a");
	}

	@Test
	void filetypeWhenValidThenEssenceLowerCaseElseNone() {
		assertThat(TusMetadata.parse("filetype " + base64("Text/Plain; charset=UTF-8")).filetype())
			.isEqualTo("text/plain");
		assertThat(TusMetadata.parse("filetype " + base64("application/vnd.ms-excel")).filetype())
			.isEqualTo("application/vnd.ms-excel");
		assertThat(TusMetadata.parse("type " + base64("image/png")).filetype()).isEqualTo("image/png");
		assertThat(TusMetadata.parse("filetype ").filetype()).isNull();
		assertThat(TusMetadata.parse("filetype " + base64("text/html\r\nX-Evil: 1")).filetype()).isNull();
		assertThat(TusMetadata.parse("filetype " + base64("nonsense")).filetype()).isNull();
		assertThat(TusMetadata.parse("filetype " + base64("a/" + "b".repeat(200))).filetype()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "filename YQ==,", ",filename YQ==", "a YQ==,,b Yg==", "filename YQ",
			"filename YQ=", "filename Y!==", "filename  YQ==", "filename YQ== x", "a YQ==,a Yg==", "fil\u00e9 YQ==",
			"k\u0001 YQ==", "filename\tYQ==", "a=b YQ==,c,d Y" })
	void parseWhenMalformedThen400(String header) {
		assertThatExceptionOfType(TusRequestException.class).isThrownBy(() -> TusMetadata.parse(header))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().value()).isEqualTo(400);
				assertThat(ex.getType()).isEqualTo("invalid-metadata");
			});
	}

	@Test
	void parseWhenLongerThanColumnThen400() {
		assertThatExceptionOfType(TusRequestException.class)
			.isThrownBy(() -> TusMetadata.parse("k " + "QUFB".repeat(2048)));
	}

	@Test
	void filenameWhenNotUtf8Then400() {
		TusMetadata metadata = TusMetadata.parse("filename /w==");
		assertThatExceptionOfType(TusRequestException.class).isThrownBy(metadata::filename);
	}

	private static String base64(String text) {
		return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
