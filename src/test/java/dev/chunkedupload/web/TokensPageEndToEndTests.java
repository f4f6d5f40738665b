package dev.chunkedupload.web;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.chunkedupload.testsupport.BrowserSession;
import dev.chunkedupload.testsupport.EndToEnd;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API tokens page in a real Chromium: reached from the bar, a token created (its
 * secret shown once, and working), listed, and revoked (then refused).
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.org.openqa.selenium=ERROR" })
class TokensPageEndToEndTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Test
	void tokensPageWhenTokenCreatedThenShownOnceWorksAndRevokedStopsWorking(BrowserSession browser) {
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.waitFor(By.cssSelector("[data-nav='tokens']")).click();
		browser.waitFor(By.id("tokens-empty"));

		browser.waitFor(By.id("token-name")).sendKeys("laptop script");
		browser.waitFor(By.id("create-token")).click();
		String secret = browser.text(By.id("new-token-secret"));
		assertThat(secret).matches("cut_[0-9a-f]{64}");
		HttpTestClient bearer = HttpTestClient.withToken(this.port, secret);
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(200);

		browser.open("/tokens");
		browser.waitFor(By.id("tokens"));
		assertThat(browser.driver().findElements(By.id("new-token-secret"))).isEmpty();
		assertThat(browser.driver().getPageSource()).doesNotContain(secret);
		assertThat(browser.text(By.cssSelector("#tokens tbody tr td"))).isEqualTo("laptop script");

		browser.waitFor(By.cssSelector("#tokens tbody tr button.danger")).click();
		browser.driver().switchTo().alert().accept();
		assertThat(browser.text(By.id("tokens-message"))).isEqualTo("Token revoked: it no longer works.");
		browser.waitFor(By.id("tokens-empty"));
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(401);
	}

}
