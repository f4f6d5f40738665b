package dev.chunkedupload.protocol.tus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UploadConcatTests {

	private static final String A = "0123456789abcdef0123456789abcdef";

	private static final String B = "fedcba9876543210fedcba9876543210";

	@Test
	void parseWhenPartialThenPartial() {
		UploadConcat concat = UploadConcat.parse("partial", "");
		assertThat(concat.partial()).isTrue();
		assertThat(concat.partIds()).isEmpty();
	}

	@Test
	void parseWhenFinalWithAbsoluteAndRelativeUrlsThenIdsInOrder() {
		UploadConcat concat = UploadConcat
			.parse("final;https://files.example.com/api/tus/" + A + " /api/tus/" + B + "  /api/tus/" + A, "");
		assertThat(concat.partial()).isFalse();
		assertThat(concat.partIds()).containsExactly(A, B, A);
	}

	@Test
	void parseWhenContextPathThenUrlsMustCarryIt() {
		assertThat(UploadConcat.parse("final;/app/api/tus/" + A, "/app").partIds()).containsExactly(A);
		assertThatExceptionOfType(TusRequestException.class)
			.isThrownBy(() -> UploadConcat.parse("final;/api/tus/" + A, "/app"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "partial;", "Partial", "final", "final;", "final; ", "final:/api/tus/" + A,
			"final;/api/tus/" + A + "/x", "final;/api/tus/ABCDEF0123456789ABCDEF0123456789", "final;/api/uploads/" + A,
			"final;/api/tus/" + A + "?x=1", "final;/api/tus/" + A + "#f", "final;http://[bad/api/tus/" + A,
			"final;/api/tus/../tus/" + A })
	void parseWhenMalformedThen400(String header) {
		assertThatExceptionOfType(TusRequestException.class).isThrownBy(() -> UploadConcat.parse(header, ""))
			.satisfies((ex) -> assertThat(ex.getStatus().value()).isEqualTo(400));
	}

	@Test
	void parseWhenTooManyPartsThen400() {
		String urls = ("/api/tus/" + A + " ").repeat(UploadConcat.MAX_PARTS + 1);
		assertThatExceptionOfType(TusRequestException.class).isThrownBy(() -> UploadConcat.parse("final;" + urls, ""));
	}

}
