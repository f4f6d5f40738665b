package dev.chunkedupload.protocol.tus;

import java.net.http.HttpRequest.BodyPublishers;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Who may use tus how: browser sessions with the CSRF token (a page using tus-js-client
 * adds it as a header), scripts and cross-origin pages with their own
 * {@code Authorization} header and no token, and CORS for the configured origins only.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "chunked-upload.cors.allowed-origins=https://app.example.com,https://*.uploads.example.org")
@AutoConfigureMockMvc
class TusSecurityIntegrationTests {

	static final String ORIGIN = "https://app.example.com";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	MockMvc mvc;

	@Test
	void postWhenSessionWithoutCsrfTokenThen403WithTusResumable() throws Exception {
		this.mvc.perform(creation().with(user("alice")))
			.andExpect(status().isForbidden())
			.andExpect(header().string("Tus-Resumable", "1.0.0"));
	}

	@Test
	void postWhenSessionWithCsrfHeaderThenCreated() throws Exception {
		this.mvc.perform(creation().with(user("alice")).with(csrf().asHeader()))
			.andExpect(status().isCreated())
			.andExpect(header().exists("Location"));
	}

	@Test
	void patchWhenSessionOverridesPostWithoutCsrfTokenThen403() throws Exception {
		this.mvc
			.perform(post("/api/tus/0123456789abcdef0123456789abcdef").header("Tus-Resumable", "1.0.0")
				.header("X-HTTP-Method-Override", "PATCH")
				.header("Upload-Offset", "0")
				.contentType("application/offset+octet-stream")
				.content(new byte[10])
				.with(user("alice")))
			.andExpect(status().isForbidden());
	}

	@Test
	void preflightWhenAllowedOriginThen200WithTusHeadersAllowed() {
		for (String origin : new String[] { ORIGIN, "https://eu.uploads.example.org" }) {
			Response response = preflight(origin, "PATCH",
					"tus-resumable,upload-offset,content-type,authorization,upload-checksum");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(origin);
			assertThat(response.header("Access-Control-Allow-Methods")).contains("PATCH", "HEAD", "DELETE", "POST");
			assertThat(response.header("Access-Control-Allow-Headers")).containsIgnoringCase("upload-offset")
				.containsIgnoringCase("tus-resumable")
				.containsIgnoringCase("authorization");
			assertThat(response.header("Access-Control-Allow-Credentials")).isNull();
		}
	}

	@Test
	void preflightWhenOtherOriginThen403() {
		Response response = preflight("https://evil.example", "PATCH", "tus-resumable");
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.header("Access-Control-Allow-Origin")).isNull();
	}

	@Test
	void requestsWhenAllowedOriginThenTusHeadersExposedEvenOnErrors() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		Response created = alice.send(alice.request("/api/tus")
			.header("Origin", ORIGIN)
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "10")
			.POST(BodyPublishers.noBody()));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
		assertThat(created.header("Access-Control-Expose-Headers")).contains("Location", "Upload-Offset",
				"Upload-Length", "Upload-Metadata", "Upload-Expires", "Tus-Resumable", "Tus-Version");

		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		Response refused = anonymous.send(anonymous.request("/api/tus")
			.header("Origin", ORIGIN)
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "10")
			.POST(BodyPublishers.noBody()));
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
	}

	@Test
	void requestsWhenOtherOriginThenNoCorsHeaders() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		Response response = alice.send(alice.request("/api/uploads").header("Origin", ORIGIN).GET());
		assertThat(response.header("Access-Control-Allow-Origin")).as("CORS covers /api/tus only").isNull();
	}

	private Response preflight(String origin, String method, String headers) {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		return anonymous.send(anonymous.request("/api/tus/0123456789abcdef0123456789abcdef")
			.header("Origin", origin)
			.header("Access-Control-Request-Method", method)
			.header("Access-Control-Request-Headers", headers)
			.method("OPTIONS", BodyPublishers.noBody()));
	}

	private static MockHttpServletRequestBuilder creation() {
		return post("/api/tus").header("Tus-Resumable", "1.0.0").header("Upload-Length", "10");
	}

}
