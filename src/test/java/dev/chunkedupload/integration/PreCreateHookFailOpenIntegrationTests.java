package dev.chunkedupload.integration;

import java.net.http.HttpRequest.BodyPublishers;

import org.junit.jupiter.api.AfterAll;
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
 * {@code fail-open}: a pre-create hook that does not answer in time lets uploads go on,
 * while a hook that answers still refuses.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.hooks.pre-create.timeout=500ms",
				"chunked-upload.hooks.pre-create.fail-open=true", "chunked-upload.sweep-interval=1h" })
class PreCreateHookFailOpenIntegrationTests {

	static final Receiver hook = new Receiver();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
		registry.add("chunked-upload.hooks.pre-create.url", hook::url);
	}

	@AfterAll
	static void stopHook() {
		hook.close();
	}

	@LocalServerPort
	int port;

	@Test
	void creationWhenTheHookDoesNotAnswerInTimeThenAllowed() {
		hook.hold();
		try {
			Response created = tusCreate();
			assertThat(created.status()).as(created.text()).isEqualTo(201);
			assertThat(hook.requests()).isNotEmpty();
		}
		finally {
			hook.release();
		}
	}

	@Test
	void creationWhenTheHookRefusesThenStillRefused() {
		hook.answer((request) -> new Receiver.Answer(400, "no"));
		try {
			Response refused = tusCreate();
			assertThat(refused.status()).isEqualTo(403);
			assertThat(refused.json().path("detail").asString()).isEqualTo("no");
		}
		finally {
			hook.answer((request) -> new Receiver.Answer(204, ""));
		}
	}

	private Response tusCreate() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		return alice.send(alice.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "4")
			.POST(BodyPublishers.noBody()));
	}

}
