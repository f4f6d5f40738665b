package dev.chunkedupload.protocol.tus;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.chunkedupload.testsupport.HostileInput;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tus header parser under arbitrary and mutated input: it returns a value or throws
 * its own {@link TusRequestException} with a 4xx, nothing else; what it accepts is valid
 * and round-trips; and nothing it keeps to echo can carry a line break or a control
 * character into a response header.
 */
class TusHeaderPropertyTests {

	private static final String UPLOAD_OFFSET = TusController.UPLOAD_OFFSET;

	@Property(tries = 2000)
	void numberWhenAnyValuesThenNonNegativeOrRefused(@ForAll("numberValues") List<String> values) {
		Long number;
		try {
			number = TusHeaders.number(UPLOAD_OFFSET, values);
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 400);
			return;
		}
		if (values.isEmpty()) {
			assertThat(number).isNull();
		}
		else {
			assertThat(values).hasSize(1);
			assertThat(number).isNotNegative();
			assertThat(Long.parseLong(values.get(0).strip())).isEqualTo(number);
		}
	}

	@Property(tries = 500)
	void numberWhenValidThenRoundTrips(@ForAll("nonNegative") long value) {
		assertThat(TusHeaders.number(UPLOAD_OFFSET, List.of(String.valueOf(value)))).isEqualTo(value);
	}

	@Property(tries = 1000)
	void lengthOfWhenAnyHeadersThenLengthDeferredOrRefused(@ForAll("numberValues") List<String> lengths,
			@ForAll("numberValues") List<String> defers) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/tus");
		lengths.forEach((value) -> request.addHeader(TusController.UPLOAD_LENGTH, value));
		defers.forEach((value) -> request.addHeader(TusController.UPLOAD_DEFER_LENGTH, value));
		try {
			Long length = TusHeaders.lengthOf(request);
			assertThat(length == null).isEqualTo(lengths.isEmpty());
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 400);
		}
	}

	@Property(tries = 1000)
	void requireVersionWhenAnyValueThenOnlyOneZeroZeroPasses(@ForAll("versions") String version) {
		MockHttpServletRequest request = new MockHttpServletRequest("PATCH", "/api/tus/x");
		request.addHeader(TusController.TUS_RESUMABLE, version);
		try {
			TusHeaders.requireVersion(request);
			assertThat(version.strip()).isEqualTo("1.0.0");
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 412);
		}
	}

	@Property(tries = 3000)
	void metadataWhenAnyValueThenParsedSafelyOrRefused(@ForAll("metadataHeaders") String header) {
		TusMetadata metadata;
		try {
			metadata = TusMetadata.parse(header);
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 400);
			return;
		}
		assertThat(metadata.raw()).doesNotContainPattern("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\uffff]")
			.hasSizeLessThanOrEqualTo(dev.chunkedupload.upload.model.UploadDetails.MAX_METADATA_LENGTH);
		try {
			String filename = metadata.filename();
			String filetype = metadata.filetype();
			if (filetype != null) {
				assertThat(filetype).matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+");
			}
			assertThat(filename == null || !filename.isEmpty() || metadata.values().containsKey("filename")
					|| metadata.values().containsKey("name"))
				.isTrue();
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 400);
		}
	}

	@Property(tries = 1000)
	void metadataWhenValidThenValuesRoundTrip(@ForAll("metadataMaps") Map<String, byte[]> values) {
		String header = values.entrySet().stream().map(TusHeaderPropertyTests::pair).collect(Collectors.joining(","));
		TusMetadata metadata = TusMetadata.parse(header);
		assertThat(metadata.raw()).isEqualTo(header);
		assertThat(metadata.values().keySet()).containsExactlyElementsOf(values.keySet());
		values.forEach((key, value) -> assertThat(metadata.values().get(key)).isEqualTo(value));
	}

	@Property(tries = 3000)
	void checksumWhenAnyValueThenChecksumOrRefused(@ForAll("checksums") String header) {
		UploadChecksum checksum;
		try {
			checksum = UploadChecksum.parse(header);
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 400);
			return;
		}
		assertThat(UploadChecksum.ALGORITHMS).containsKey(checksum.algorithm());
		assertThat(checksum.algorithm() + " " + checksum.encoded()).isEqualTo(header.strip());
	}

	@Property(tries = 1000)
	void checksumWhenValidThenRoundTrips(@ForAll("validChecksums") String header) {
		UploadChecksum checksum = UploadChecksum.parse(header);
		assertThat(checksum.algorithm() + " " + checksum.encoded()).isEqualTo(header);
	}

	@Property(tries = 3000)
	void concatWhenAnyValueThenConcatOrRefused(@ForAll("concats") String header) {
		UploadConcat concat;
		try {
			concat = UploadConcat.parse(header, "/app");
		}
		catch (TusRequestException ex) {
			assertRefused(ex, 400);
			return;
		}
		assertThat(concat.partIds().isEmpty()).isEqualTo(concat.partial());
		assertThat(concat.partIds()).allMatch((id) -> id.matches("[0-9a-f]{32}"))
			.hasSizeLessThanOrEqualTo(UploadConcat.MAX_PARTS);
	}

	@Property(tries = 500)
	void concatWhenValidThenIdsRoundTrip(@ForAll("uploadIdLists") List<String> ids) {
		String header = "final;" + ids.stream()
			.map((id) -> (id.charAt(0) < '8') ? "/app/api/tus/" + id : "https://host.example/app/api/tus/" + id)
			.collect(Collectors.joining(" "));
		assertThat(UploadConcat.parse(header, "/app").partIds()).isEqualTo(ids);
	}

	/** A pair as tus-js-client writes it: an empty value leaves the space out. */
	private static String pair(Map.Entry<String, byte[]> pair) {
		return (pair.getValue().length == 0) ? pair.getKey()
				: pair.getKey() + " " + Base64.getEncoder().encodeToString(pair.getValue());
	}

	private static void assertRefused(TusRequestException ex, int status) {
		assertThat(ex.getStatus().value()).isEqualTo(status);
		assertThat(ex.getType()).matches("[a-z0-9-]+");
		assertThat(ex.getMessage()).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\uffff]");
	}

	@Provide
	Arbitrary<List<String>> numberValues() {
		return Arbitraries.oneOf(HostileInput.numbers(), HostileInput.strings()).list().ofMaxSize(3);
	}

	@Provide
	Arbitrary<Long> nonNegative() {
		return Arbitraries.longs().greaterOrEqual(0);
	}

	@Provide
	Arbitrary<String> versions() {
		return HostileInput.mutationsOf(Arbitraries.of("1.0.0", "0.2.2", " 1.0.0 "));
	}

	@Provide
	Arbitrary<String> metadataHeaders() {
		return Arbitraries.oneOf(HostileInput.strings(),
				HostileInput.mutationsOf(metadataMaps().map((map) -> map.entrySet()
					.stream()
					.map((pair) -> pair.getKey() + " " + Base64.getEncoder().encodeToString(pair.getValue()))
					.collect(Collectors.joining(",")))));
	}

	@Provide
	Arbitrary<Map<String, byte[]>> metadataMaps() {
		Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("filename", "name", "filetype", "type"),
				Arbitraries.strings().withCharRange('!', '~').excludeChars(',').ofMinLength(1).ofMaxLength(12));
		Arbitrary<byte[]> values = Arbitraries.oneOf(HostileInput.bytes(),
				Arbitraries.of("text/plain", "a/b; x=y", "r\u00e9sum\u00e9.pdf", "../../x", "")
					.map((text) -> text.getBytes(StandardCharsets.UTF_8)));
		return Combinators.combine(keys.list().uniqueElements().ofMinSize(1).ofMaxSize(5), values.list().ofSize(5))
			.as((k, v) -> {
				Map<String, byte[]> map = new LinkedHashMap<>();
				for (int i = 0; i < k.size(); i++) {
					map.put(k.get(i), v.get(i));
				}
				return map;
			})
			.filter((map) -> map.entrySet()
				.stream()
				.mapToInt((pair) -> pair.getKey().length() + 1 + (pair.getValue().length + 2) / 3 * 4 + 1)
				.sum() <= dev.chunkedupload.upload.model.UploadDetails.MAX_METADATA_LENGTH);
	}

	@Provide
	Arbitrary<String> checksums() {
		return Arbitraries.oneOf(HostileInput.strings(), HostileInput.mutationsOf(validChecksums()));
	}

	@Provide
	Arbitrary<String> validChecksums() {
		return Combinators
			.combine(Arbitraries.of("md5", "sha1", "sha256"),
					Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40))
			.as((algorithm, digest) -> algorithm + " " + Base64.getEncoder().encodeToString(digest));
	}

	@Provide
	Arbitrary<String> concats() {
		return Arbitraries.oneOf(HostileInput.strings(),
				HostileInput.mutationsOf(
						uploadIdLists().map((ids) -> "final;/app/api/tus/" + String.join(" /app/api/tus/", ids))),
				Arbitraries.of("partial", "final;", "final; ", "final;/app/api/tus/../../etc/passwd",
						"final;http://[::1", "final;/app/api/tus/" + "0".repeat(32) + "?x=1"));
	}

	@Provide
	Arbitrary<List<String>> uploadIdLists() {
		return Arbitraries.strings().withChars("0123456789abcdef").ofLength(32).list().ofMinSize(1).ofMaxSize(5);
	}

}
