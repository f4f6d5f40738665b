package dev.chunkedupload.protocol.rufh;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.chunkedupload.testsupport.HostileInput;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The draft's structured fields under arbitrary input. RFC 9651 says a field that does
 * not parse is ignored, so the item parsers never throw: they answer a value or
 * {@code null}; the interop version and completeness are refused with the draft's own
 * 400, nothing else.
 */
class StructuredFieldPropertyTests {

	@Property(tries = 3000)
	void integerWhenAnyValueThenNonNegativeOrAbsent(@ForAll("integers") String value) {
		Long number = StructuredFields.integer(value);
		if (number != null) {
			assertThat(number).isBetween(0L, 999_999_999_999_999L);
			assertThat(String.valueOf(number)).isEqualTo(value.strip().replaceFirst("^0+(?=.)", ""));
		}
	}

	@Property(tries = 500)
	void integerWhenValidThenRoundTrips(@ForAll("validIntegers") long value) {
		assertThat(StructuredFields.integer(String.valueOf(value))).isEqualTo(value);
	}

	@Property(tries = 2000)
	void boolWhenAnyValueThenOnlyQuestionMarkZeroOrOne(@ForAll("booleans") String value) {
		Boolean bool = StructuredFields.bool(value);
		if (bool != null) {
			assertThat(StructuredFields.bool(bool.booleanValue())).isEqualTo(value.strip());
		}
	}

	@Property(tries = 2000)
	void interopVersionWhenAnyValuesThenSpokenVersionOrRefused(@ForAll("versionLists") List<String> values,
			@ForAll("booleans") String complete, @ForAll("booleans") String incomplete) {
		MockHttpServletRequest request = new MockHttpServletRequest("PATCH", "/api/rufh/x");
		values.forEach((value) -> request.addHeader(InteropVersion.HEADER, value));
		request.addHeader(Rufh.UPLOAD_COMPLETE, complete);
		request.addHeader(Rufh.UPLOAD_INCOMPLETE, incomplete);
		try {
			InteropVersion version = InteropVersion.of(request);
			assertThat(values.isEmpty() || values.size() == 1).isTrue();
			version.completes(request);
		}
		catch (RufhRequestException ex) {
			assertThat(ex.getStatus().value()).isEqualTo(400);
			assertThat(ex.getMessage()).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\uffff]");
		}
	}

	@Provide
	Arbitrary<String> integers() {
		return Arbitraries.oneOf(HostileInput.strings(), HostileInput.numbers(),
				HostileInput.mutationsOf(validIntegers().map(String::valueOf)));
	}

	@Provide
	Arbitrary<Long> validIntegers() {
		return Arbitraries.longs().between(0, 999_999_999_999_999L);
	}

	@Provide
	Arbitrary<String> booleans() {
		return Arbitraries.oneOf(HostileInput.strings(), HostileInput.mutationsOf(Arbitraries.of("?0", "?1")));
	}

	@Provide
	Arbitrary<List<String>> versionLists() {
		return Arbitraries.oneOf(HostileInput.strings(), HostileInput.mutationsOf(Arbitraries.of("6", "8", "9")))
			.list()
			.ofMaxSize(3);
	}

}
