package dev.chunkedupload.multipart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.chunkedupload.testsupport.HostileInput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multipart framing the chunked and resumable adapters read ({@link MultipartReader},
 * as the controllers drive it: a size limit, fields read up to a bound, the file part
 * read to its end) under arbitrary bodies, boundaries and mutations of a valid body. The
 * only failure allowed is {@link MalformedMultipartException}, which both adapters answer
 * with 400 or 413; anything else would be a 500.
 */
class MultipartFramingPropertyTests {

	private static final String BOUNDARY = "----fuzz7MA4YWxkTrZu0gW";

	@Property(tries = 2000)
	void readWhenAnyBodyThenPartsOrMalformedMultipart(@ForAll("contentTypes") String contentType,
			@ForAll("bodies") byte[] body) throws IOException {
		if (!MultipartReader.isMultipart(contentType)) {
			return;
		}
		try {
			MultipartReader reader = MultipartReader.of(contentType, new ByteArrayInputStream(body), 64 * 1024, 65);
			long read = 0;
			Part part;
			while ((part = reader.next()) != null) {
				try (InputStream in = part.body()) {
					read += part.isFile() ? in.transferTo(OutputStreamSink.INSTANCE) : in.readNBytes(1025).length;
				}
				assertThat(part.name() == null || !part.name().contains("\r\n")).isTrue();
			}
			assertThat(read).isLessThanOrEqualTo(body.length);
		}
		catch (MalformedMultipartException ex) {
			assertThat(ex.getMessage()).isNotNull();
		}
	}

	@Property(tries = 500)
	void readWhenValidThenFieldsAndFileRoundTrip(@ForAll("fieldValues") String uploadId,
			@ForAll("fileBytes") byte[] file) throws IOException {
		MultipartReader reader = MultipartReader.of("multipart/form-data; boundary=" + BOUNDARY,
				new ByteArrayInputStream(validBody(uploadId, file)), Long.MAX_VALUE, 65);
		Part field = reader.next();
		assertThat(field.name()).isEqualTo("upload_id");
		assertThat(new String(field.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(uploadId);
		Part part = reader.next();
		assertThat(part.filename()).isEqualTo("chunk.bin");
		assertThat(part.body().readAllBytes()).isEqualTo(file);
		assertThat(reader.next()).isNull();
	}

	@Provide
	Arbitrary<String> contentTypes() {
		return Arbitraries.oneOf(Arbitraries.just("multipart/form-data; boundary=" + BOUNDARY),
				HostileInput.mutationsOf(Arbitraries.of("multipart/form-data; boundary=" + BOUNDARY,
						"multipart/mixed; boundary=\"" + BOUNDARY + "\"")),
				HostileInput.strings().map((text) -> "multipart/form-data; boundary=" + text));
	}

	@Provide
	Arbitrary<byte[]> bodies() {
		Arbitrary<byte[]> valid = Combinators.combine(fieldValues(), fileBytes())
			.as(MultipartFramingPropertyTests::validBody);
		Arbitrary<byte[]> truncated = Combinators.combine(valid, Arbitraries.integers().greaterOrEqual(0))
			.as((body, cut) -> java.util.Arrays.copyOf(body, cut % (body.length + 1)));
		Arbitrary<byte[]> mutated = HostileInput
			.mutationsOf(valid.map((body) -> new String(body, StandardCharsets.ISO_8859_1)))
			.map((text) -> text.getBytes(StandardCharsets.ISO_8859_1));
		Arbitrary<byte[]> manyParts = Arbitraries.integers()
			.between(0, 3000)
			.map((n) -> ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n").repeat(n)
				.getBytes(StandardCharsets.ISO_8859_1));
		Arbitrary<byte[]> hugeHeader = Arbitraries.integers()
			.between(1, 40_000)
			.map((n) -> ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + "n".repeat(n) + "\"\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
		return Arbitraries.oneOf(valid, truncated, mutated, manyParts, hugeHeader, HostileInput.bytes());
	}

	@Provide
	Arbitrary<String> fieldValues() {
		return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(64);
	}

	@Provide
	Arbitrary<byte[]> fileBytes() {
		return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
	}

	private static byte[] validBody(String uploadId, byte[] file) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload_id\"\r\n\r\n" + uploadId
				+ "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chunk.bin\"\r\n"
				+ "Content-Type: application/octet-stream\r\n\r\n")
			.getBytes(StandardCharsets.UTF_8));
		body.writeBytes(file);
		body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return body.toByteArray();
	}

	/** Where the file part's bytes go: nowhere, only counted. */
	private static final class OutputStreamSink extends java.io.OutputStream {

		static final OutputStreamSink INSTANCE = new OutputStreamSink();

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] b, int off, int len) {
		}

	}

}
