package dev.chunkedupload.security;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Who gets in how: Basic for scripts without CSRF, sessions with CSRF, JSON answers for
 * API clients, no Basic challenge for browsers.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SecurityIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@Test
	void chunkWhenSessionUserWithoutCsrfTokenThen403Problem() throws Exception {
		this.mvc.perform(chunk().with(user("alice")))
			.andExpect(status().isForbidden())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("CSRF")));
	}

	@Test
	void chunkWhenSessionUserWithCsrfHeaderThenAccepted() throws Exception {
		this.mvc.perform(chunk().with(user("alice")).with(csrf().asHeader()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.offset").value(10));
	}

	@Test
	void chunkWhenBasicCredentialsWithoutCsrfThenAccepted() throws Exception {
		this.mvc.perform(chunk().with(httpBasic("alice", HttpTestClient.PASSWORD))).andExpect(status().isOk());
	}

	@Test
	void chunkWhenWrongPasswordThen401WithChallenge() throws Exception {
		this.mvc.perform(chunk().with(httpBasic("alice", "wrong")))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", startsWith("Basic")))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
	}

	@Test
	void apiWhenBrowserWithoutSessionThen401WithoutChallenge() throws Exception {
		this.mvc.perform(get("/api/uploads").header("Sec-Fetch-Mode", "cors"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().doesNotExist("WWW-Authenticate"))
			.andExpect(jsonPath("$.status").value(401));
	}

	@Test
	void pageWhenAnonymousThenRedirectedToLogin() throws Exception {
		this.mvc.perform(get("/").accept(MediaType.TEXT_HTML))
			.andExpect(status().is3xxRedirection())
			.andExpect(header().string("Location", org.hamcrest.Matchers.endsWith("/login")));
	}

	@Test
	void pageWhenAnonymousClientDoesNotAcceptHtmlThen401ProblemLikeTheApi() throws Exception {
		this.mvc.perform(get("/"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(get("/").accept(MediaType.APPLICATION_JSON)).andExpect(status().isUnauthorized());
	}

	@Test
	void actuatorWhenHealthThenPublicAndOtherEndpointsAdminOnly() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk());
		this.mvc.perform(get("/actuator/info").with(httpBasic("alice", HttpTestClient.PASSWORD)))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/actuator/info").with(httpBasic("root", HttpTestClient.PASSWORD)))
			.andExpect(status().isOk());
	}

	@Test
	void apiWhenAnonymousNoSessionCreated() throws Exception {
		this.mvc.perform(get("/api/uploads"))
			.andExpect(status().isUnauthorized())
			.andExpect((result) -> org.assertj.core.api.Assertions.assertThat(result.getRequest().getSession(false))
				.isNull());
		this.mvc.perform(get("/api/uploads")).andExpect(header().string("Set-Cookie", nullValue()));
	}

	private static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder chunk() {
		return post("/api/chunked-upload").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header("Content-Range", "bytes 0-9/10")
			.content(new byte[10]);
	}

}
