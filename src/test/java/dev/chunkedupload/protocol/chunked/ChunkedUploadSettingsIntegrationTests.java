package dev.chunkedupload.protocol.chunked;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol's settings: a renamed file field (the django demo's {@code the_file}), a
 * required Content-Range, and completion without an MD5.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "chunked-upload.file-field=the_file",
		"chunked-upload.fail-if-no-header=true", "chunked-upload.md5-check=false" })
class ChunkedUploadSettingsIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Test
	void chunkWhenFieldRenamedThenOnlyThatFieldIsTheChunk() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		byte[] file = randomBytes(100, 31);
		Response wrongField = alice.multipartChunk(null, "bytes 0-99/100", file, "a.bin");
		assertThat(wrongField.status()).isEqualTo(400);
		assertThat(wrongField.json().get("detail").asString()).contains("the_file");
		Response response = alice.multipart("/api/chunked-upload", "bytes 0-99/100", Map.of(), "the_file", "a.bin",
				file);
		assertThat(response.status()).isEqualTo(200);
	}

	@Test
	void chunkWhenHeaderRequiredAndMissingThen400AndNothingStored() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		int before = alice.get("/api/uploads").json().size();
		Response response = alice.rawChunk(null, null, new byte[10], "a.bin");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/missing-content-range");
		assertThat(alice.get("/api/uploads").json().size()).isEqualTo(before);
	}

	@Test
	void completeWhenMd5CheckOffThenMd5OptionalAndStillRecorded() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		byte[] file = randomBytes(100, 32);
		String id = alice.rawChunk(null, "bytes 0-99/100", file, "a.bin").json().get("upload_id").asString();
		Response complete = alice.complete(id, null);
		assertThat(complete.status()).isEqualTo(200);
		assertThat(complete.json().get("md5").asString()).isEqualTo(ServerTestSupport.md5(file));
	}

}
