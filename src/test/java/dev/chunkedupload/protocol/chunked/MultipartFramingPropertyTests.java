package dev.chunkedupload.protocol.chunked;

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
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletDiskFileUpload;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

import dev.chunkedupload.testsupport.HostileInput;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multipart framing the chunked and resumable adapters read (Commons FileUpload's
 * streaming iterator, as the controllers drive it: a size limit, fields read up to a
 * bound, the file part read to its end) under arbitrary bodies, boundaries and mutations
 * of a valid body. The only failure allowed is {@link FileUploadException}, which both
 * adapters answer with 400 or 413; anything else would be a 500.
 */
class MultipartFramingPropertyTests {

	private static final String BOUNDARY = "----fuzz7MA4YWxkTrZu0gW";

	private final JakartaServletFileUpload<?, ?> multipart = new JakartaServletDiskFileUpload();

	@Property(tries = 2000)
	void readWhenAnyBodyThenPartsOrFileUploadException(@ForAll("contentTypes") String contentType,
			@ForAll("bodies") byte[] body) throws IOException {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/chunked-upload");
		request.setContentType(contentType);
		request.setContent(body);
		if (!JakartaServletFileUpload.isMultipartContent(request)) {
			return;
		}
		try {
			FileItemInputIterator items = this.multipart.getItemIterator(request);
			items.setSizeMax(64 * 1024);
			long read = 0;
			while (items.hasNext()) {
				FileItemInput item = items.next();
				try (InputStream in = item.getInputStream()) {
					read += item.isFormField() ? in.readNBytes(1025).length : in.transferTo(OutputStreamSink.INSTANCE);
				}
				assertThat(item.getFieldName() == null || !item.getFieldName().contains("\r\n")).isTrue();
			}
			assertThat(read).isLessThanOrEqualTo(body.length);
		}
		catch (FileUploadException ex) {
			assertThat(ex.getMessage()).isNotNull();
		}
	}

	@Property(tries = 500)
	void readWhenValidThenFieldsAndFileRoundTrip(@ForAll("fieldValues") String uploadId,
			@ForAll("fileBytes") byte[] file) throws IOException {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/chunked-upload");
		request.setContentType("multipart/form-data; boundary=" + BOUNDARY);
		request.setContent(validBody(uploadId, file));
		FileItemInputIterator items = this.multipart.getItemIterator(request);
		FileItemInput field = items.next();
		assertThat(field.getFieldName()).isEqualTo("upload_id");
		try (InputStream in = field.getInputStream()) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(uploadId);
		}
		FileItemInput part = items.next();
		assertThat(part.getName()).isEqualTo("chunk.bin");
		try (InputStream in = part.getInputStream()) {
			assertThat(in.readAllBytes()).isEqualTo(file);
		}
		assertThat(items.hasNext()).isFalse();
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
