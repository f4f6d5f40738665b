package dev.chunkedupload.web;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.chunkedupload.testsupport.HostileInput;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.support.ResourceRegion;
import org.springframework.http.HttpRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Range} on downloads, as Spring MVC reads it for {@code GET
 * /api/uploads/{id}/content}: parsing and cutting the file into regions fails only with
 * {@link IllegalArgumentException} (which Spring answers with 416), and every region it
 * hands out lies inside the file.
 */
class DownloadRangePropertyTests {

	@Property(tries = 3000)
	void rangesWhenAnyHeaderThenRegionsInsideFileOrIllegalArgument(@ForAll("headers") String header,
			@ForAll("lengths") int length) {
		ByteArrayResource file = new ByteArrayResource(new byte[length]);
		List<ResourceRegion> regions;
		try {
			regions = HttpRange.toResourceRegions(HttpRange.parseRanges(header), file);
		}
		catch (IllegalArgumentException ex) {
			return;
		}
		assertThat(regions).allSatisfy((region) -> {
			assertThat(region.getPosition()).isNotNegative();
			assertThat(region.getCount()).isNotNegative();
			assertThat(region.getPosition() + region.getCount()).isLessThanOrEqualTo(length);
		});
	}

	@Property(tries = 1000)
	void rangesWhenValidThenExactRegion(@ForAll("lengths") int length, @ForAll("positions") int first,
			@ForAll("positions") int count) {
		if (length == 0) {
			return;
		}
		long start = first % length;
		long end = Math.min(length - 1, start + count);
		List<ResourceRegion> regions = HttpRange.toResourceRegions(HttpRange.parseRanges("bytes=" + start + "-" + end),
				new ByteArrayResource(new byte[length]));
		assertThat(regions).singleElement().satisfies((region) -> {
			assertThat(region.getPosition()).isEqualTo(start);
			assertThat(region.getCount()).isEqualTo(end - start + 1);
		});
	}

	@Provide
	Arbitrary<String> headers() {
		Arbitrary<String> valid = Combinators.combine(positions(), positions())
			.as((a, b) -> "bytes=" + a + "-" + (a + b));
		return Arbitraries.oneOf(HostileInput.strings(), HostileInput.mutationsOf(valid),
				HostileInput.numbers().list().ofSize(2).map((n) -> "bytes=" + n.get(0) + "-" + n.get(1)),
				HostileInput.numbers().map((n) -> "bytes=-" + n), HostileInput.numbers().map((n) -> "bytes=" + n + "-"),
				Arbitraries.integers().between(1, 2000).map((n) -> "bytes=" + "0-0,".repeat(n) + "0-0"));
	}

	@Provide
	Arbitrary<Integer> lengths() {
		return Arbitraries.integers().between(0, 5000);
	}

	@Provide
	Arbitrary<Integer> positions() {
		return Arbitraries.integers().between(0, 10_000);
	}

}
