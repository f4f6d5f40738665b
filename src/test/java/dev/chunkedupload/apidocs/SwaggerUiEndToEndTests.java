package dev.chunkedupload.apidocs;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.chunkedupload.testsupport.BrowserSession;
import dev.chunkedupload.testsupport.CspViolations;
import dev.chunkedupload.testsupport.EndToEnd;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Swagger UI in a real Chromium, under the pages' Content-Security-Policy: a signed-in
 * user sees every API of the document, with the tus headers; nothing is blocked.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.org.openqa.selenium=ERROR" })
class SwaggerUiEndToEndTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@Test
	void swaggerUiWhenSignedInThenEveryApiIsShownWithNothingBlocked(BrowserSession browser) {
		CspViolations.watch(browser);
		browser.open("/swagger-ui.html");
		// Not signed in: the login page first, then back to Swagger UI.
		browser.submitLogin("alice", HttpTestClient.PASSWORD);
		browser.waitFor(By.cssSelector(".opblock-tag-section"));
		List<String> tags = browser.driver()
			.findElements(By.cssSelector(".opblock-tag"))
			.stream()
			.map((tag) -> tag.getDomAttribute("data-tag"))
			.toList();
		assertThat(tags).contains("uploads", "chunked-upload", "resumable", "tus", "rufh", "admin");

		WebElement patch = browser.waitFor(By.id("operations-tus-patch"));
		patch.findElement(By.cssSelector(".opblock-summary")).click();
		browser.waitFor(By.cssSelector("#operations-tus-patch tr[data-param-name='Upload-Offset']"));
		assertThat(CspViolations.of(browser)).isEmpty();
	}

}
