package dev.chunkedupload.faults;

import java.net.http.HttpRequest.BodyPublishers;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chunk refused before its body is read (wrong offset, busy) is answered while the
 * client is still sending. If the server then closed the connection with the body unread,
 * the client's kernel would answer its further bytes with a reset and drop the answer it
 * had not read yet: the client would see a broken connection instead of the offset to go
 * on from (16 of 20 such 16 MiB requests with Tomcat's 2 MB swallow limit). The server
 * reads refused bodies to their end, up to {@code server.tomcat.max-swallow-size}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "chunked-upload.fsync=false")
class RefusedBodyIntegrationTests {

	private static final int CHUNK = 16 * 1024 * 1024;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@Test
	void tusPatchWhenRefusedBeforeItsLargeBodyIsReadThenTheClientGetsTheAnswer() {
		byte[] chunk = new byte[CHUNK];
		for (int i = 0; i < 10; i++) {
			Response created = this.alice.send(this.alice.request("/api/tus")
				.header("Tus-Resumable", "1.0.0")
				.header("Upload-Length", String.valueOf(2L * CHUNK))
				.POST(BodyPublishers.noBody()));
			assertThat(created.status()).isEqualTo(201);
			String path = created.header("Location").replaceFirst("^https?://[^/]+", "");
			Response refused = this.alice.send(this.alice.request(path)
				.header("Tus-Resumable", "1.0.0")
				.header("Upload-Offset", "5")
				.header("Content-Type", "application/offset+octet-stream")
				.method("PATCH", BodyPublishers.ofByteArray(chunk)));
			assertThat(refused.status()).as(refused.text()).isEqualTo(409);
			assertThat(refused.header("Upload-Offset")).isEqualTo("0");
		}
	}

	@Test
	void chunkedUploadWhenRefusedBeforeItsLargeBodyIsReadThenTheClientGetsTheAnswer() {
		byte[] chunk = new byte[CHUNK];
		Response first = this.alice.rawChunk(null, "bytes 0-9/" + (3L * CHUNK), new byte[10], "big.bin");
		assertThat(first.status()).as(first.text()).isEqualTo(200);
		String id = first.json().get("upload_id").asText();
		for (int i = 0; i < 10; i++) {
			Response refused = this.alice.rawChunk(id, "bytes 100-" + (100 + CHUNK - 1) + "/" + (3L * CHUNK), chunk,
					null);
			// django-chunked-upload answers a misplaced chunk with 400, naming the
			// offset.
			assertThat(refused.status()).as(refused.text()).isEqualTo(400);
			assertThat(refused.json().get("type").asText()).isEqualTo("/problems/offset-mismatch");
			assertThat(refused.json().get("offset").asLong()).isEqualTo(10);
		}
	}

}
