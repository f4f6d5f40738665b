package dev.chunkedupload.protocol.resumable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.chunkedupload.testsupport.HostileInput;
import dev.chunkedupload.upload.model.InputLimits;
import dev.chunkedupload.upload.numbered.ChunkLayout;
import dev.chunkedupload.upload.numbered.NumberedChunk;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * resumable.js and flow.js parameters under arbitrary input: reading them, and turning
 * them into the core's chunk, refuses with the adapter's own 400 or gives a chunk that
 * lies inside its file; valid parameters of either library round-trip.
 */
class ResumableParametersPropertyTests {

	private static final List<String> NAMES = List.of("ChunkNumber", "ChunkSize", "CurrentChunkSize", "TotalSize",
			"TotalChunks", "Identifier", "Filename", "RelativePath");

	@Property(tries = 3000)
	void parseWhenAnyParametersThenChunkInsideFileOrRefused(@ForAll("parameterMaps") Map<String, String> parameters) {
		NumberedChunk chunk;
		try {
			chunk = ResumableParameters.parse(parameters::get).toChunk(InputLimits.defaults());
		}
		catch (BadResumableRequestException ex) {
			assertThat(ex.getType()).isIn("missing-parameter", "invalid-parameter", "too-many-chunks");
			return;
		}
		ChunkLayout layout = chunk.layout();
		assertThat(chunk.number()).isBetween(1, layout.totalChunks());
		assertThat(layout.start(chunk.number())).isNotNegative();
		assertThat(layout.end(chunk.number())).isLessThanOrEqualTo(layout.totalSize())
			.isEqualTo(layout.start(chunk.number()) + chunk.length());
	}

	@Property(tries = 1000)
	void parseWhenValidThenRoundTrips(@ForAll("validMaps") Map<String, String> parameters) {
		ResumableParameters read = ResumableParameters.parse(parameters::get);
		String prefix = read.prefix();
		assertThat(parameters).containsKey(prefix + "ChunkNumber");
		assertThat(String.valueOf(read.chunkNumber())).isEqualTo(parameters.get(prefix + "ChunkNumber"));
		assertThat(String.valueOf(read.totalSize())).isEqualTo(parameters.get(prefix + "TotalSize"));
		assertThat(read.identifier()).isEqualTo(parameters.get(prefix + "Identifier"));
		NumberedChunk chunk = read.toChunk(InputLimits.defaults());
		assertThat(chunk.length()).isEqualTo(read.currentChunkSize());
	}

	@Provide
	Arbitrary<Map<String, String>> parameterMaps() {
		Arbitrary<String> values = Arbitraries.oneOf(HostileInput.numbers(), HostileInput.strings());
		Arbitrary<Map<String, String>> hostile = Combinators
			.combine(Arbitraries.of("resumable", "flow", "Resumable", ""), values.list().ofSize(NAMES.size()),
					Arbitraries.integers().between(0, 255))
			.as((prefix, list, present) -> {
				Map<String, String> map = new HashMap<>();
				for (int i = 0; i < NAMES.size(); i++) {
					if ((present & (1 << i)) != 0) {
						map.put(prefix + NAMES.get(i), list.get(i));
					}
				}
				return map;
			});
		Arbitrary<Map<String, String>> mutated = Combinators
			.combine(validMaps(), Arbitraries.of(NAMES), HostileInput.mutationsOf(Arbitraries.of("1", "1048576")))
			.as((valid, name, value) -> {
				Map<String, String> map = new HashMap<>(valid);
				String prefix = map.containsKey("flowChunkNumber") ? "flow" : "resumable";
				map.put(prefix + name, value);
				return map;
			});
		return Arbitraries.oneOf(hostile, mutated, validMaps());
	}

	@Provide
	Arbitrary<Map<String, String>> validMaps() {
		return Combinators
			.combine(Arbitraries.of("resumable", "flow"), Arbitraries.longs().between(1, 1L << 40),
					Arbitraries.integers().between(1, ChunkLayout.MAX_CHUNKS), Arbitraries.integers().greaterOrEqual(0),
					Arbitraries.of(true, false),
					HostileInput.strings()
						.filter((text) -> !text.isEmpty() && text.length() <= InputLimits.defaults().filenameLength()))
			.as((prefix, chunkSize, totalChunks, pick, force, name) -> {
				// Rounding down: the last chunk takes up to twice the chunk size; with
				// forceChunkSize it is shorter.
				long last = force ? 1 + (pick % chunkSize) : chunkSize + (pick % chunkSize);
				long totalSize = chunkSize * (totalChunks - 1) + last;
				int number = 1 + (pick % totalChunks);
				Map<String, String> map = new HashMap<>();
				map.put(prefix + "ChunkNumber", String.valueOf(number));
				map.put(prefix + "ChunkSize", String.valueOf(chunkSize));
				map.put(prefix + "CurrentChunkSize", String.valueOf((number < totalChunks) ? chunkSize : last));
				map.put(prefix + "TotalSize", String.valueOf(totalSize));
				map.put(prefix + "TotalChunks", String.valueOf(totalChunks));
				map.put(prefix + "Identifier", totalSize + "-" + name);
				map.put(prefix + "Filename", name);
				return map;
			});
	}

}
