package dev.chunkedupload.apidocs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the application's own handler mappings: every JSON and
 * protocol endpoint under {@code /api} is described, whoever adds it later, with its
 * problem answers; and only signed-in users read the document and Swagger UI.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ApiDocsIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@Test
	void apiDocsWhenReadThenEveryApiPathAndMethodOfTheHandlerMappingsIsDescribed() throws Exception {
		JsonNode paths = apiDocs().get("paths");
		List<String> endpoints = new ArrayList<>();
		for (RequestMappingInfo info : this.mappings.getHandlerMethods().keySet()) {
			Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
			for (String pattern : info.getPatternValues()) {
				if (!pattern.startsWith("/api/")) {
					continue;
				}
				assertThat(methods).as("methods of %s", pattern).isNotEmpty();
				for (RequestMethod method : methods) {
					endpoints.add(method + " " + pattern);
					assertThat(paths.has(pattern)).as("%s in /v3/api-docs", pattern).isTrue();
					JsonNode operation = paths.get(pattern).get(method.name().toLowerCase(Locale.ROOT));
					assertThat(operation).as("%s %s in /v3/api-docs", method, pattern).isNotNull();
					if (method != RequestMethod.OPTIONS) {
						assertThat(operation.at("/responses/401/content").has("application/problem+json"))
							.as("401 problem of %s %s", method, pattern)
							.isTrue();
					}
				}
			}
		}
		assertThat(endpoints).contains("GET /api/uploads", "POST /api/chunked-upload", "PATCH /api/tus/{uploadId}",
				"POST /api/resumable", "POST /api/rufh", "POST /api/admin/sweep");
	}

	@Test
	void apiDocsWhenReadThenProblemTypesOfEachAdapterAreItsAnswers() {
		JsonNode paths = apiDocs().get("paths");
		JsonNode busy = paths.at("/~1api~1chunked-upload/post/responses/409");
		assertThat(busy.get("description").asString()).contains("`/problems/upload-busy`");
		assertThat(busy.at("/content/application~1problem+json/schema/$ref").asString())
			.isEqualTo("#/components/schemas/Problem");
		assertThat(paths.at("/~1api~1uploads~1{uploadId}/get/responses/404/description").asString())
			.contains("`/problems/upload-not-found`");
		assertThat(paths.at("/~1api~1tus~1{uploadId}/patch/responses/460/description").asString())
			.contains("`/problems/checksum-mismatch`");
		assertThat(paths.at("/~1api~1resumable/post/responses/413/description").asString()).contains("`/problems/");
		assertThat(paths.at("/~1api~1admin~1sweep/post/responses/403/description").asString())
			.contains("`/problems/forbidden`");
	}

	@Test
	void apiDocsWhenReadThenTusAndResumableHeadersAndParametersAreDescribed() {
		JsonNode paths = apiDocs().get("paths");
		JsonNode patch = paths.at("/~1api~1tus~1{uploadId}/patch");
		assertThat(names(patch.get("parameters"))).contains("uploadId", "Tus-Resumable", "Upload-Offset",
				"Upload-Checksum");
		assertThat(patch.at("/responses/204/headers").has("Upload-Offset")).isTrue();
		assertThat(patch.at("/requestBody/content").has("application/offset+octet-stream")).isTrue();
		assertThat(paths.at("/~1api~1tus/post/responses/201/headers").has("Location")).isTrue();
		assertThat(paths.at("/~1api~1tus/options/responses/200/headers").has("Tus-Extension")).isTrue();
		assertThat(names(paths.at("/~1api~1resumable/post/parameters"))).contains("resumableChunkNumber",
				"resumableTotalSize", "resumableIdentifier");
		assertThat(names(paths.at("/~1api~1rufh~1{uploadId}/patch/parameters")))
			.contains("Upload-Draft-Interop-Version", "Upload-Offset", "Upload-Complete");
		assertThat(names(paths.at("/~1api~1chunked-upload/post/parameters"))).contains("Content-Range");
		assertThat(paths.at("/~1api~1uploads/get/tags/0").asString()).isEqualTo("uploads");
	}

	@Test
	void apiDocsWhenAnonymousThen401Problem() {
		Response response = new HttpTestClient(this.port, null).get("/v3/api-docs");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.contentType()).startsWith("application/problem+json");
	}

	@Test
	void swaggerUiWhenSignedInThenServedAndPointsAtTheDocument() {
		Response redirect = this.alice.get("/swagger-ui.html");
		assertThat(redirect.status()).isEqualTo(302);
		String location = redirect.header("Location");
		assertThat(location).endsWith("/swagger-ui/index.html");
		Response page = this.alice.get("/swagger-ui/index.html");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.text()).contains("swagger-ui");
		Response initializer = this.alice.get("/swagger-ui/swagger-initializer.js");
		assertThat(initializer.status()).isEqualTo(200);
		assertThat(initializer.text()).contains("/v3/api-docs");
	}

	@Test
	void swaggerUiWhenAnonymousThenLoginPage() {
		// What a browser sends; a script without Accept gets a 401 problem instead.
		Response response = new HttpTestClient(this.port, null).get("/swagger-ui/index.html", "Accept", "text/html");
		assertThat(response.status()).isEqualTo(302);
		assertThat(response.header("Location")).endsWith("/login");
	}

	private static List<String> names(JsonNode parameters) {
		List<String> names = new ArrayList<>();
		parameters.forEach((parameter) -> names.add(parameter.get("name").asString()));
		return names;
	}

	private JsonNode apiDocs() {
		Response response = this.alice.get("/v3/api-docs");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return response.json();
	}

}
