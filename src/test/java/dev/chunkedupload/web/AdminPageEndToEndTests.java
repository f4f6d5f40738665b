package dev.chunkedupload.web;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import dev.chunkedupload.testsupport.BrowserSession;
import dev.chunkedupload.testsupport.EndToEnd;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin page in a real Chromium: refused to users, and for administrators every
 * user's uploads with filters, totals, delete and the expiry sweep.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.expiration=1h", "chunked-upload.sweep-interval=1h",
				"logging.level.org.openqa.selenium=ERROR" })
@Import(TestClockConfiguration.class)
class AdminPageEndToEndTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Test
	void adminPageWhenUserIsNoAdministratorThenRefused(BrowserSession browser) {
		browser.login("bob", HttpTestClient.PASSWORD);
		assertThat(browser.driver().findElements(By.cssSelector("[data-nav='admin']"))).isEmpty();

		browser.open("/admin/uploads");

		assertThat(browser.text(By.cssSelector("#forbidden h1"))).isEqualTo("403 Not allowed");
		assertThat(browser.driver().findElements(By.id("admin-table"))).isEmpty();
		assertThat(browser.driver().findElements(By.id("sweep"))).isEmpty();
	}

	@Test
	void adminPageWhenAdministratorThenFiltersTotalsDeleteAndSweep(BrowserSession browser) {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		HttpTestClient bob = alice.as("bob");
		byte[] done = randomBytes(300_000, 7);
		String complete = id(alice.rawChunk(null, "bytes 0-299999/300000", done, "done.bin"));
		assertThat(alice.complete(complete, md5(done)).status()).isEqualTo(200);
		String idleOfAlice = id(alice.rawChunk(null, "bytes 0-99999/200000", new byte[100_000], "idle-a.bin"));
		String idleOfBob = id(bob.rawChunk(null, "bytes 0-49999/100000", new byte[50_000], "idle-b.bin"));
		this.clock.advance(Duration.ofHours(2));
		String fresh = id(alice.rawChunk(null, "bytes 0-9999/20000", new byte[10_000], "fresh.bin"));

		browser.login("root", HttpTestClient.PASSWORD);
		browser.waitFor(By.cssSelector("[data-nav='admin']")).click();
		browser.waitFor(By.id("admin-table"));

		assertThat(rowIds(browser)).contains(complete, idleOfAlice, idleOfBob, fresh);
		assertThat(status(browser, idleOfBob)).isEqualTo("expired");
		assertThat(status(browser, fresh)).isEqualTo("uploading");
		assertThat(browser.text(By.id("total-in-progress"))).isEqualTo("1");
		assertThat(browser.text(By.id("total-complete"))).isEqualTo("1");
		assertThat(browser.text(By.id("total-expired"))).isEqualTo("2");
		assertThat(browser.text(By.id("total-awaiting-sweep"))).isEqualTo("2");
		assertThat(bytesStored(browser)).isEqualTo(300_000 + 100_000 + 50_000 + 10_000);

		choose(browser, "filter-user", "bob");
		assertThat(rowIds(browser)).containsExactly(idleOfBob);
		assertThat(bytesStored(browser)).isEqualTo(50_000);
		choose(browser, "filter-user", "");
		choose(browser, "filter-status", "expired");
		assertThat(rowIds(browser)).containsExactlyInAnyOrder(idleOfAlice, idleOfBob);

		browser.waitFor(By.id("sweep")).click();
		assertThat(browser.text(By.id("admin-message")))
			.isEqualTo("Expiry sweep done: 2 uploads expired and their bytes deleted.");
		assertThat(browser.text(By.id("total-awaiting-sweep"))).isEqualTo("0");
		assertThat(browser.text(By.id("total-expired"))).isEqualTo("2");
		assertThat(bytesStored(browser)).isEqualTo(300_000 + 10_000);
		assertThat(rowIds(browser)).as("the status filter survives the sweep")
			.containsExactlyInAnyOrder(idleOfAlice, idleOfBob);

		choose(browser, "filter-status", "complete");
		browser.waitFor(By.cssSelector("tr[data-upload-id='" + complete + "'] button.danger")).click();
		browser.driver().switchTo().alert().accept();
		assertThat(browser.text(By.id("admin-message"))).startsWith("Deleted done.bin of alice");
		assertThat(browser.driver().findElements(By.id("admin-table"))).isEmpty();
		assertThat(alice.get("/api/uploads/" + complete + "/content").status()).isEqualTo(404);
		assertThat(bytesStored(browser)).isEqualTo(10_000);
	}

	private static String id(Response response) {
		assertThat(response.status()).isEqualTo(200);
		return response.json().get("upload_id").asString();
	}

	/** Pick a filter; the page's script submits the form on change. */
	private static void choose(BrowserSession browser, String select, String value) {
		new Select(browser.waitFor(By.id(select))).selectByValue(value);
		Pattern query = Pattern.compile("[?&]" + select.substring("filter-".length()) + "=" + value + "(&|$)");
		browser.waitUntil("the page filtered by " + select + "=" + value,
				() -> query.matcher(browser.path()).find()
						&& browser.script("return document.readyState").equals("complete")
						&& browser.driver().findElements(By.id("admin-count")).size() == 1);
	}

	private static List<String> rowIds(BrowserSession browser) {
		return browser.driver()
			.findElements(By.cssSelector("#admin-table tbody tr"))
			.stream()
			.map((row) -> row.getAttribute("data-upload-id"))
			.toList();
	}

	private static String status(BrowserSession browser, String uploadId) {
		return browser.waitFor(By.cssSelector("tr[data-upload-id='" + uploadId + "']")).getAttribute("data-status");
	}

	private static long bytesStored(BrowserSession browser) {
		String title = browser.waitFor(By.id("total-bytes")).getAttribute("title");
		return Long.parseLong(title.substring(0, title.indexOf(' ')));
	}

}
