package dev.chunkedupload.multipart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The multipart reader against bodies built here: every part comes back with its bytes
 * whatever sizes the socket delivers and the caller asks for, bytes that look like the
 * start of a delimiter included, and every malformed body is a
 * {@link MalformedMultipartException}.
 */
class MultipartReaderTests {

	private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

	@Test
	void nextWhenBrowserFormThenFieldsAndFileInOrder() throws IOException {
		byte[] file = "hello\r\n--not the boundary\r\n".getBytes(StandardCharsets.US_ASCII);
		byte[] body = body(BOUNDARY,
				List.of(field("upload_id", "abc"), new Spec("file", "a \"b\".bin", "application/octet-stream", file)));
		MultipartReader reader = reader(body);
		Part id = reader.next();
		assertThat(id.isNamed("upload_id")).isTrue();
		assertThat(id.isFile()).isFalse();
		assertThat(id.text(100)).isEqualTo("abc");
		Part part = reader.next();
		assertThat(part.isFile()).isTrue();
		assertThat(part.filename()).isEqualTo("a \"b\".bin");
		assertThat(part.contentType()).isEqualTo("application/octet-stream");
		assertThat(part.body().readAllBytes()).isEqualTo(file);
		assertThat(reader.next()).isNull();
		assertThat(reader.next()).isNull();
	}

	@Test
	void nextWhenPartIsNotReadThenItIsSkipped() throws IOException {
		byte[] big = new Random(1).ints(300_000, 0, 256)
			.collect(ByteArrayOutputStream::new, ByteArrayOutputStream::write, (a, b) -> a.writeBytes(b.toByteArray()))
			.toByteArray();
		MultipartReader reader = reader(
				body(BOUNDARY, List.of(new Spec("skipped", "s.bin", null, big), field("after", "yes"))));
		reader.next();
		assertThat(reader.next().text(10)).isEqualTo("yes");
	}

	@Test
	void nextWhenPreambleEpiloguePaddingAndEmptyHeadersThenReadAsRfc2046Says() throws IOException {
		String text = "preamble that mentions --" + BOUNDARY + "x\r\n" + "--" + BOUNDARY + " \t\r\n"
				+ "Content-Disposition: form-data; name=a\r\n\r\n1\r\n" + "--" + BOUNDARY + "\r\n\r\nno headers\r\n"
				+ "--" + BOUNDARY + "--\r\nepilogue";
		MultipartReader reader = reader(text.getBytes(StandardCharsets.US_ASCII));
		Part a = reader.next();
		assertThat(a.name()).isEqualTo("a");
		assertThat(a.text(10)).isEqualTo("1");
		Part anonymous = reader.next();
		assertThat(anonymous.name()).isNull();
		assertThat(anonymous.text(100)).isEqualTo("no headers");
		assertThat(reader.next()).isNull();
	}

	@Test
	void filenameWhenEncodedThenDecodedAsClientsSendIt() throws IOException {
		String text = "--" + BOUNDARY + "\r\n"
				+ "Content-Disposition: form-data; name=\"f\"; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\n"
				+ "x\r\n--" + BOUNDARY + "\r\n"
				+ "content-disposition: FORM-DATA; NAME=\"g\"; filename=\"C:\\dir\\caf\u00e9.txt\"\r\n\r\n" + "y\r\n--"
				+ BOUNDARY
				+ "\r\nContent-Disposition: form-data; name=\"h\"; filename=\"../my \"report\".bin\" ; x=1\r\n\r\n"
				+ "z\r\n--" + BOUNDARY + "--";
		MultipartReader reader = reader(text.getBytes(StandardCharsets.UTF_8));
		assertThat(reader.next().filename()).isEqualTo("\u20ac rates.txt");
		Part g = reader.next();
		assertThat(g.name()).isEqualTo("g");
		assertThat(g.filename()).isEqualTo("C:\\dir\\caf\u00e9.txt");
		assertThat(reader.next().filename()).isEqualTo("../my \"report\".bin");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7, 40, 41, 42, 43, 44, 97, 4096, 8191, 8192, 65_536, 100_000 })
	void readWhenSocketDeliversAnySizeThenEveryPartIsExact(int pieceSize) throws IOException {
		Random random = new Random(pieceSize);
		List<Spec> specs = randomParts(random);
		byte[] body = body(BOUNDARY, specs);
		MultipartReader reader = MultipartReader.of("multipart/form-data; boundary=" + BOUNDARY,
				new Trickle(body, pieceSize, null), Long.MAX_VALUE, 100);
		assertThat(readAll(reader, random)).containsExactlyElementsOf(specs);
	}

	@Test
	void readWhenRandomBodiesAndRandomReadsThenEveryPartIsExact() throws IOException {
		for (int seed = 0; seed < 300; seed++) {
			Random random = new Random(seed);
			String boundary = randomBoundary(random);
			List<Spec> specs = randomParts(random);
			byte[] body = body(boundary, specs);
			MultipartReader reader = MultipartReader.of("multipart/form-data; boundary=\"" + boundary + "\"",
					new Trickle(body, 0, random), Long.MAX_VALUE, 100);
			assertThat(readAll(reader, random)).as("seed %d", seed).containsExactlyElementsOf(specs);
		}
	}

	@Test
	void readWhenBodyIsCutAnywhereThenMalformedAndNothingElse() throws IOException {
		Random random = new Random(7);
		byte[] body = body(BOUNDARY, List.of(field("a", "1"), new Spec("file", "f", null, randomBytes(random, 3000))));
		for (int cut = 0; cut < body.length - 2; cut++) {
			byte[] truncated = Arrays.copyOf(body, cut);
			MultipartReader reader = reader(truncated);
			assertThatExceptionOfType(MalformedMultipartException.class).as("cut at %d", cut).isThrownBy(() -> {
				Part part;
				while ((part = reader.next()) != null) {
					part.body().readAllBytes();
				}
			});
		}
	}

	@Test
	void ofWhenBoundaryMissingOrUnusableThenMalformed() {
		InputStream empty = InputStream.nullInputStream();
		for (String type : new String[] { "multipart/form-data", "multipart/form-data; boundary=",
				"multipart/form-data; boundary=" + "x".repeat(71), "multipart/form-data; boundary=\"a\u0001b\"",
				"multipart/;;;", "multipart/form-data; boundary=\"unterminated" }) {
			assertThatExceptionOfType(MalformedMultipartException.class).as(type)
				.isThrownBy(() -> MultipartReader.of(type, empty, 100, 10));
		}
	}

	@Test
	void nextWhenFramingIsWrongThenMalformed() {
		for (String text : new String[] { "", "no delimiter at all",
				"--" + BOUNDARY + "\nContent-Disposition: form-data; name=a\n\n1\n--" + BOUNDARY + "--",
				"--" + BOUNDARY + "junk\r\n\r\n1\r\n--" + BOUNDARY + "--",
				"--" + BOUNDARY + "\r\nNo colon here\r\n\r\n1\r\n--" + BOUNDARY + "--",
				"--" + BOUNDARY + "\r\nX: " + "y".repeat(MultipartReader.MAX_HEADER_BYTES) + "\r\n\r\n1\r\n--"
						+ BOUNDARY + "--",
				"--" + BOUNDARY + " ".repeat(20_000) + "\r\n\r\n1\r\n--" + BOUNDARY + "--" }) {
			assertThatExceptionOfType(MalformedMultipartException.class)
				.as(text.substring(0, Math.min(60, text.length())))
				.isThrownBy(() -> {
					MultipartReader reader = reader(text.getBytes(StandardCharsets.UTF_8));
					Part part;
					while ((part = reader.next()) != null) {
						part.body().readAllBytes();
					}
				});
		}
	}

	@Test
	void nextWhenMorePartsOrBytesThanAllowedThenRefused() throws IOException {
		List<Spec> many = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			many.add(field("f" + i, "v"));
		}
		MultipartReader fewParts = MultipartReader.of("multipart/form-data; boundary=" + BOUNDARY,
				new ByteArrayInputStream(body(BOUNDARY, many)), Long.MAX_VALUE, 4);
		for (int i = 0; i < 4; i++) {
			fewParts.next();
		}
		assertThatExceptionOfType(MalformedMultipartException.class).isThrownBy(fewParts::next)
			.withMessageContaining("more than 4 parts");
		byte[] body = body(BOUNDARY, List.of(new Spec("file", "f", null, new byte[100_000])));
		MultipartReader small = MultipartReader.of("multipart/form-data; boundary=" + BOUNDARY,
				new ByteArrayInputStream(body), 50_000, 4);
		assertThatExceptionOfType(MultipartTooLargeException.class)
			.isThrownBy(() -> small.next().body().readAllBytes());
	}

	@Test
	void isMultipartWhenContentTypeThenOnlyMultipartTypes() {
		assertThat(MultipartReader.isMultipart("Multipart/Form-Data; boundary=x")).isTrue();
		assertThat(MultipartReader.isMultipart("application/octet-stream")).isFalse();
		assertThat(MultipartReader.isMultipart(null)).isFalse();
	}

	private static List<Spec> readAll(MultipartReader reader, Random random) throws IOException {
		List<Spec> parts = new ArrayList<>();
		Part part;
		while ((part = reader.next()) != null) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			byte[] buffer = new byte[300_000];
			while (true) {
				int n = part.body().read(buffer, 0, 1 + random.nextInt(random.nextBoolean() ? 100 : buffer.length));
				if (n < 0) {
					break;
				}
				bytes.write(buffer, 0, n);
			}
			parts.add(new Spec(part.name(), part.filename(), part.contentType(), bytes.toByteArray()));
		}
		return parts;
	}

	private static List<Spec> randomParts(Random random) {
		List<Spec> specs = new ArrayList<>();
		int count = 1 + random.nextInt(5);
		for (int i = 0; i < count; i++) {
			if (random.nextInt(3) == 0) {
				specs.add(field("field" + i, "value " + random.nextInt()));
			}
			else {
				specs.add(new Spec("file" + i, "name " + i + ".bin", "application/octet-stream",
						trickyBytes(random, random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(400_000))));
			}
		}
		return specs;
	}

	/** Random bytes sprinkled with line breaks and beginnings of delimiters. */
	private static byte[] trickyBytes(Random random, int length) {
		byte[] bytes = randomBytes(random, length);
		byte[] almost = ("\r\n--" + BOUNDARY).getBytes(StandardCharsets.US_ASCII);
		for (int i = 0; i < length / 1000 + 1 && length > almost.length; i++) {
			int at = random.nextInt(length - almost.length);
			System.arraycopy(almost, 0, bytes, at, 1 + random.nextInt(almost.length - 1));
		}
		return bytes;
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static String randomBoundary(Random random) {
		String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?";
		StringBuilder boundary = new StringBuilder();
		int length = 1 + random.nextInt(70);
		for (int i = 0; i < length; i++) {
			boundary.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return boundary.toString();
	}

	private static Spec field(String name, String value) {
		return new Spec(name, null, null, value.getBytes(StandardCharsets.UTF_8));
	}

	private static MultipartReader reader(byte[] body) throws MalformedMultipartException {
		return MultipartReader.of("multipart/form-data; boundary=" + BOUNDARY, new ByteArrayInputStream(body),
				Long.MAX_VALUE, 100);
	}

	static byte[] body(String boundary, List<Spec> specs) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Spec spec : specs) {
			StringBuilder headers = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
					+ spec.name().replace("\"", "\\\"") + "\"");
			if (spec.filename() != null) {
				headers.append("; filename=\"").append(spec.filename().replace("\"", "\\\"")).append("\"");
			}
			headers.append("\r\n");
			if (spec.contentType() != null) {
				headers.append("Content-Type: ").append(spec.contentType()).append("\r\n");
			}
			headers.append("\r\n");
			out.writeBytes(headers.toString().getBytes(StandardCharsets.UTF_8));
			out.writeBytes(spec.bytes());
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
		return out.toByteArray();
	}

	record Spec(String name, String filename, String contentType, byte[] bytes) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Spec that && java.util.Objects.equals(this.name, that.name)
					&& java.util.Objects.equals(this.filename, that.filename)
					&& java.util.Objects.equals(this.contentType, that.contentType)
					&& Arrays.equals(this.bytes, that.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return "Spec[" + this.name + ", " + this.filename + ", " + this.contentType + ", " + this.bytes.length
					+ " bytes]";
		}

	}

	/** A socket that delivers a fixed or random number of bytes per read. */
	static final class Trickle extends InputStream {

		private final byte[] data;

		private final int piece;

		private final Random random;

		private int position;

		Trickle(byte[] data, int piece, Random random) {
			this.data = data;
			this.piece = piece;
			this.random = random;
		}

		@Override
		public int read() {
			return (this.position < this.data.length) ? this.data[this.position++] & 0xff : -1;
		}

		@Override
		public int read(byte[] b, int off, int len) {
			if (this.position >= this.data.length) {
				return -1;
			}
			int size = (this.random != null) ? 1 + this.random.nextInt(this.random.nextBoolean() ? 64 : 200_000)
					: this.piece;
			int n = Math.min(Math.min(len, size), this.data.length - this.position);
			System.arraycopy(this.data, this.position, b, off, n);
			this.position += n;
			return n;
		}

	}

}
