package dev.chunkedupload.protocol.chunked;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.chunkedupload.testsupport.HostileInput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Content-Range} under arbitrary input: only the parser's own refusal, never
 * another exception; and every range it accepts is one that makes sense and prints back
 * to the same header.
 */
class ContentRangePropertyTests {

	@Property(tries = 3000)
	void parseWhenAnyInputThenRangeOrBadChunkRequest(@ForAll("headers") String header) {
		ContentRange range;
		try {
			range = ContentRange.parse(header);
		}
		catch (BadChunkRequestException ex) {
			assertThat(ex.getType()).isEqualTo("invalid-content-range");
			assertThat(ex.getMessage()).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\uffff]");
			return;
		}
		assertThat(range.start()).isNotNegative().isLessThanOrEqualTo(range.end());
		assertThat(range.end()).isLessThan(range.total());
		assertThat(range.length()).isPositive();
	}

	@Property(tries = 1000)
	void parseWhenValidThenRoundTrips(@ForAll("valid") String header) {
		ContentRange range = ContentRange.parse(header);
		assertThat("bytes " + range.start() + "-" + range.end() + "/" + range.total()).isEqualTo(header);
	}

	@Provide
	Arbitrary<String> headers() {
		return Arbitraries.oneOf(HostileInput.strings(), HostileInput.mutationsOf(valid()),
				HostileInput.numbers()
					.list()
					.ofSize(3)
					.map((n) -> "bytes " + n.get(0) + "-" + n.get(1) + "/" + n.get(2)));
	}

	@Provide
	Arbitrary<String> valid() {
		return Combinators
			.combine(Arbitraries.longs().between(0, Long.MAX_VALUE - 2), Arbitraries.longs().between(0, Long.MAX_VALUE),
					Arbitraries.longs().between(1, Long.MAX_VALUE))
			.as((start, length, extra) -> {
				long end = start + Math.min(length, Long.MAX_VALUE - 2 - start);
				long total = end + 1 + Math.min(extra - 1, Long.MAX_VALUE - 1 - end);
				return "bytes " + start + "-" + end + "/" + total;
			});
	}

}
