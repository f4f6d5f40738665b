package dev.chunkedupload.integration;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.chunkedupload.integration.Receiver.Answer;
import dev.chunkedupload.integration.Receiver.Request;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-create hook over real HTTP: what it is told, a refusal in each protocol's shape
 * (403, problem type {@code upload-refused}, the hook's message sanitised and bounded)
 * with nothing stored, and a hook that does not answer in time refusing by default.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.hooks.pre-create.timeout=1s", "chunked-upload.sweep-interval=1h" })
class PreCreateHookIntegrationTests {

	static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	static final Receiver hook = new Receiver();

	static final JsonMapper json = JsonMapper.builder().build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
		registry.add("chunked-upload.hooks.pre-create.url", hook::url);
		registry.add("chunked-upload.hooks.pre-create.secret", () -> SECRET);
	}

	@AfterAll
	static void stopHook() {
		hook.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
		hook.answer((request) -> request.body().contains("refused") ? new Answer(403,
				"{\"message\": \"The CRM\\u0007 says:\\nno more uploads this month\"}", "application/json")
				: new Answer(204, ""));
	}

	@Test
	void tusCreationWhenTheHookAgreesThenCreatedAndTheHookWasToldWhatTheServerKnows() {
		String metadata = "filename " + b64("report.pdf") + ",filetype " + b64("application/pdf") + ",flag";
		Response created = this.alice.send(this.alice.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "1234")
			.header("Upload-Metadata", metadata)
			.POST(BodyPublishers.noBody()));
		assertThat(created.status()).as(created.text()).isEqualTo(201);

		Request asked = hook.requests()
			.stream()
			.filter((request) -> request.body().contains("report.pdf"))
			.reduce((first, second) -> second)
			.orElseThrow();
		JsonNode body = json.readTree(asked.body());
		assertThat(body.path("type").asString()).isEqualTo("upload.pre-create");
		JsonNode data = body.path("data");
		assertThat(data.path("owner").asString()).isEqualTo("alice");
		assertThat(data.path("protocol").asString()).isEqualTo("tus");
		assertThat(data.path("filename").asString()).isEqualTo("report.pdf");
		assertThat(data.path("size").asLong()).isEqualTo(1234);
		assertThat(data.path("content_type").asString()).isEqualTo("application/pdf");
		assertThat(data.path("metadata").path("filetype").asString()).isEqualTo("application/pdf");
		assertThat(data.path("metadata").path("flag").asString()).isEmpty();
		assertThat(asked.header("webhook-signature")).isEqualTo(SignatureCheck.python(SECRET,
				asked.header("webhook-id"), asked.header("webhook-timestamp"), asked.body()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "chunked", "resumable", "tus", "rufh" })
	void creationWhenTheHookRefusesThen403WithItsMessageInEachProtocolAndNothingStored(String protocol) {
		long rows = uploads();
		Response refused = this.alice.send(create(protocol, "refused-" + protocol + ".bin"));
		assertThat(refused.status()).as(refused.text()).isEqualTo(403);
		assertThat(refused.contentType()).startsWith("application/problem+json");
		assertThat(refused.json().path("type").asString()).endsWith("/problems/upload-refused");
		assertThat(refused.json().path("detail").asString()).isEqualTo("The CRM says: no more uploads this month");
		assertThat(uploads()).isEqualTo(rows);
		assertThat(hook.about("refused-" + protocol + ".bin")).isNotEmpty();
		if (protocol.equals("tus")) {
			assertThat(refused.header("Tus-Resumable")).isEqualTo("1.0.0");
		}
	}

	@Test
	void creationWhenTheHookAnswersWithALongTextThenTheMessageIsBounded() {
		hook.answer((request) -> new Answer(422, "refused ".repeat(200)));
		Response refused = this.alice.send(create("tus", "long.bin"));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().path("detail").asString()).hasSizeLessThanOrEqualTo(PreCreateHook.MAX_MESSAGE)
			.startsWith("refused refused");
	}

	@Test
	void creationWhenTheHookDoesNotAnswerInTimeThenRefused() {
		long rows = uploads();
		hook.hold();
		try {
			Response refused = this.alice.send(create("chunked", "slow-hook.bin"));
			assertThat(refused.status()).isEqualTo(403);
			assertThat(refused.json().path("detail").asString()).contains("did not answer");
			assertThat(uploads()).isEqualTo(rows);
		}
		finally {
			hook.release();
		}
	}

	private long uploads() {
		return this.jdbc.queryForObject("select count(*) from upload", Long.class);
	}

	/** A creating request of a protocol, with one byte for a file of two. */
	HttpRequest.Builder create(String protocol, String filename) {
		byte[] first = { 1, 2 };
		return switch (protocol) {
			case "chunked" -> this.alice.request("/api/chunked-upload")
				.header("Content-Type", "application/octet-stream")
				.header("Content-Range", "bytes 0-1/4")
				.header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
				.POST(BodyPublishers.ofByteArray(first));
			case "resumable" -> this.alice
				.request("/api/resumable?resumableChunkNumber=1&resumableChunkSize=2&resumableCurrentChunkSize=2"
						+ "&resumableTotalSize=2&resumableIdentifier=2-" + filename + "&resumableFilename=" + filename
						+ "&resumableTotalChunks=1")
				.header("Content-Type", "application/octet-stream")
				.POST(BodyPublishers.ofByteArray(first));
			case "tus" -> this.alice.request("/api/tus")
				.header("Tus-Resumable", "1.0.0")
				.header("Upload-Length", "4")
				.header("Upload-Metadata", "filename " + b64(filename))
				.POST(BodyPublishers.noBody());
			case "rufh" -> this.alice.request("/api/rufh")
				.header("Upload-Draft-Interop-Version", "9")
				.header("Upload-Complete", "?0")
				.header("Content-Type", "application/octet-stream")
				.header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
				.POST(BodyPublishers.ofByteArray(first));
			default -> throw new IllegalArgumentException(protocol);
		};
	}

	static String b64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
