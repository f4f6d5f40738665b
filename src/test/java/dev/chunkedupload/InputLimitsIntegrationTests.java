package dev.chunkedupload;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.RawHttp;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each input limit ({@code chunked-upload.limits.*} and the header size), set low, and
 * exceeded in each protocol that has it: a 4xx in the protocol's shape, and nothing
 * stored.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.limits.multipart-parts=4", "chunked-upload.limits.filename-length=50",
				"chunked-upload.limits.metadata-length=100", "chunked-upload.limits.chunks-per-upload=10",
				"chunked-upload.limits.concat-parts=2", "server.max-http-request-header-size=8KB" })
class InputLimitsIntegrationTests {

	private static final String LONG_NAME = "n".repeat(46) + ".txt";

	private static Path dataDir;

	@LocalServerPort
	int port;

	HttpTestClient alice;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@Test
	void chunkedWhenMorePartsThanLimitThen400AndNothingStored() {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i < 4; i++) {
			fields.put("extra" + i, "x");
		}
		Response refused = this.alice.multipart("/api/chunked-upload", "bytes 0-9/10", fields, "file", "a.bin",
				new byte[10]);
		assertProblem(refused, 400, "too-many-parts");
		fields.remove("extra0");
		assertThat(this.alice.multipart("/api/chunked-upload", "bytes 0-9/10", fields, "file", "a.bin", new byte[10])
			.status()).isEqualTo(200);
	}

	@Test
	void resumableWhenMorePartsThanLimitThen400() {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String name : new String[] { "ChunkNumber", "ChunkSize", "CurrentChunkSize", "TotalSize" }) {
			fields.put("resumable" + name, "1");
		}
		assertProblem(this.alice.multipart("/api/resumable", null, fields, "file", "a.bin", new byte[1]), 400,
				"too-many-parts");
	}

	@Test
	void resumableWhenMoreChunksThanLimitThen400() {
		Response response = this.alice.send(this.alice
			.request("/api/resumable?resumableChunkNumber=1&resumableChunkSize=1&resumableCurrentChunkSize=1"
					+ "&resumableTotalSize=11&resumableTotalChunks=11&resumableIdentifier=11-a&resumableFilename=a")
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(new byte[1])));
		assertProblem(response, 400, "too-many-chunks");
	}

	@Test
	void filenameWhenLongerThanLimitThen400InEveryProtocol() {
		int before = storedFiles();
		assertProblem(this.alice.rawChunk(null, "bytes 0-9/10", new byte[10], LONG_NAME + "x"), 400, "invalid-request");
		assertThat(this.alice.rawChunk(null, "bytes 0-9/10", new byte[10], LONG_NAME).status()).isEqualTo(200);
		assertProblem(this.alice.send(tusCreation("filename " + base64(LONG_NAME + "x"))), 400, "invalid-request");
		assertProblem(this.alice.send(this.alice.request("/api/rufh")
			.header("Upload-Complete", "?1")
			.header("Content-Disposition", "attachment; filename=\"" + LONG_NAME + "x\"")
			.POST(BodyPublishers.ofByteArray(new byte[3]))), 400, "invalid-request");
		assertProblem(this.alice.send(this.alice
			.request("/api/resumable?resumableChunkNumber=1&resumableChunkSize=1&resumableCurrentChunkSize=1"
					+ "&resumableTotalSize=1&resumableTotalChunks=1&resumableIdentifier=1-a&resumableFilename="
					+ LONG_NAME + "x")
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(new byte[1]))), 400, "invalid-parameter");
		assertThat(storedFiles()).isEqualTo(before + 1);
	}

	@Test
	void tusWhenMetadataOrConcatPastLimitThen400() {
		assertProblem(this.alice.send(tusCreation("filename " + base64("a.txt") + ",note " + base64("x".repeat(80)))),
				400, "invalid-metadata");
		assertThat(this.alice.send(tusCreation("filename " + base64("a.txt"))).status()).isEqualTo(201);
		String part = "/api/tus/" + "0".repeat(32);
		assertProblem(this.alice.send(this.alice.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Concat", "final;" + part + " " + part + " " + part)
			.POST(BodyPublishers.noBody())), 400, "invalid-concat");
	}

	@Test
	void headerWhenLargerThanServerLimitThenClient4xxNotServerError() throws IOException {
		try (RawHttp request = RawHttp.request(this.port, "alice", "POST /api/tus HTTP/1.1", "Tus-Resumable: 1.0.0",
				"Upload-Length: 10", "Upload-Metadata: filename " + "A".repeat(12_000), "Connection: close")) {
			String answer = request.response();
			assertThat(answer).startsWith("HTTP/1.1 4");
		}
	}

	private java.net.http.HttpRequest.Builder tusCreation(String metadata) {
		return this.alice.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "10")
			.header("Upload-Metadata", metadata)
			.POST(BodyPublishers.noBody());
	}

	private static void assertProblem(Response response, int status, String type) {
		assertThat(response.status()).as(response.text()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/" + type);
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	private static int storedFiles() {
		return ServerTestSupport.storedFiles(dataDir).size();
	}

}
