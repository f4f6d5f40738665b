package dev.chunkedupload.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import dev.chunkedupload.testsupport.BrowserSession;
import dev.chunkedupload.testsupport.EndToEnd;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;

/**
 * Not a test (the name keeps it out of the build): takes the screenshots in
 * {@code docs/screenshots} with the real Chromium, at a laptop's and a phone's width.
 *
 * <pre>
 * ./mvnw -B -ntp test -Dtest=PageScreenshots -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * {@code -Dscreenshots.dir=...} writes them elsewhere.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.web.chunk-size=256KB",
				"chunked-upload.sweep-interval=1h", "logging.level.org.openqa.selenium=ERROR" })
class PageScreenshots {

	static final Path OUTPUT = Path.of(System.getProperty("screenshots.dir", "docs/screenshots"));

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@TempDir
	Path files;

	@Test
	void screenshots(BrowserSession browser) throws IOException {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		HttpTestClient bob = alice.as("bob");
		upload(alice, "quarterly-report.pdf", 2_345_678, true);
		upload(alice, "site-backup-2026-11.tar.gz", 7_654_321, true);
		upload(alice, "raw-footage-day2.mov", 5_000_000, false);
		upload(bob, "survey-results.csv", 123_456, true);
		upload(bob, "vm-image.qcow2", 3_000_000, false);

		browser.viewport(390, 844, 2, true);
		browser.open("/login");
		browser.waitFor(By.id("login-submit"));
		browser.screenshot(OUTPUT.resolve("login-phone.png"));

		browser.viewport(1280, 820, 1, false);
		browser.login("alice", HttpTestClient.PASSWORD);
		Path done = write("holiday-photos.zip", 1_500_000);
		browser.choose(By.id("file-input"), done);
		UploadPageEndToEndTests.completed(browser, "holiday-photos.zip");
		browser.throttleUploads(1_200_000, Duration.ZERO);
		Path slow = write("conference-talk.mp4", 24_000_000);
		Path paused = write("dataset-2026.parquet", 9_000_000);
		browser.choose(By.id("file-input"), slow, paused);
		WebElement second = UploadPageEndToEndTests.transfer(browser, "dataset-2026.parquet");
		browser.waitUntil("some progress", Duration.ofSeconds(30), () -> second.getAttribute("data-loaded") != null
				&& Long.parseLong(second.getAttribute("data-loaded")) > 2_000_000);
		second.findElement(By.cssSelector("button.pause")).click();
		WebElement first = UploadPageEndToEndTests.transfer(browser, "conference-talk.mp4");
		browser.waitUntil("speed and time left", Duration.ofSeconds(30),
				() -> first.findElement(By.cssSelector(".transfer-stats")).getText().contains("left"));
		browser.script("window.scrollTo(0, 0)");
		browser.screenshot(OUTPUT.resolve("upload-laptop.png"));

		browser.viewport(390, 844, 2, true);
		browser.waitUntil("speed and time left", Duration.ofSeconds(30),
				() -> first.findElement(By.cssSelector(".transfer-stats")).getText().contains("left"));
		browser.screenshot(OUTPUT.resolve("upload-phone.png"));
		browser.online();
		for (WebElement transfer : new WebElement[] { first, second }) {
			transfer.findElement(By.cssSelector("button.cancel")).click();
			browser.waitUntil("the cancelled upload deleted",
					() -> transfer.findElement(By.cssSelector(".transfer-state")).getText().contains("deleted"));
		}

		browser.viewport(1280, 820, 1, false);
		browser.open("/tus");
		browser.waitFor(By.cssSelector("#tus-page[data-ready='true']"));
		browser.choose(By.id("file-input"), write("scan-archive.zip", 2_500_000));
		TusPageEndToEndTests.completed(browser, "scan-archive.zip");
		new Select(browser.waitFor(By.id("tus-parts"))).selectByValue("3");
		browser.throttleUploads(1_200_000, Duration.ZERO);
		browser.choose(By.id("file-input"), write("render-4k.mov", 30_000_000));
		WebElement parallel = TusPageEndToEndTests.transfer(browser, "render-4k.mov");
		browser.waitUntil("speed and time left", Duration.ofSeconds(30),
				() -> parallel.findElement(By.cssSelector(".transfer-stats")).getText().contains("left"));
		browser.script("window.scrollTo(0, 0)");
		browser.screenshot(OUTPUT.resolve("tus-laptop.png"));
		browser.viewport(390, 844, 2, true);
		browser.waitUntil("speed and time left", Duration.ofSeconds(30),
				() -> parallel.findElement(By.cssSelector(".transfer-stats")).getText().contains("left"));
		browser.screenshot(OUTPUT.resolve("tus-phone.png"));
		browser.online();
		parallel.findElement(By.cssSelector("button.cancel")).click();
		browser.waitUntil("the cancelled upload deleted",
				() -> parallel.findElement(By.cssSelector(".transfer-state")).getText().contains("deleted"));

		browser.viewport(1280, 820, 1, false);
		browser.logout();
		browser.login("root", HttpTestClient.PASSWORD);
		browser.open("/admin/uploads");
		browser.waitFor(By.id("admin-table"));
		browser.screenshot(OUTPUT.resolve("admin-laptop.png"));
		browser.viewport(390, 844, 2, true);
		browser.open("/admin/uploads?user=bob");
		browser.waitFor(By.id("admin-table"));
		browser.screenshot(OUTPUT.resolve("admin-phone.png"));
	}

	/**
	 * The Documents form with its file uploading, a document's page, and the flow.js page
	 * with a paused and a running upload ({@code -Dtest=PageScreenshots#documentsAndFlow}
	 * takes only these).
	 */
	@Test
	void documentsAndFlow(BrowserSession browser) throws IOException {
		browser.viewport(1280, 820, 1, false);
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.open("/documents/new");
		browser.waitFor(By.id("title")).sendKeys("Site survey, November");
		browser.waitFor(By.id("description")).sendKeys("Drone footage of the north field, raw.");
		browser.throttleUploads(1_000_000, Duration.ZERO);
		browser.choose(By.id("file-chooser"), write("north-field.mov", 12_000_000));
		WebElement field = browser.waitFor(By.cssSelector("[data-upload-field]"));
		browser.waitUntil("some progress", Duration.ofSeconds(30),
				() -> Integer.parseInt(field.findElement(By.cssSelector("progress")).getAttribute("value")) >= 20);
		browser.screenshot(OUTPUT.resolve("document-form-laptop.png"));
		browser.online();
		browser.waitUntil("the upload to complete", Duration.ofSeconds(60),
				() -> "complete".equals(field.getAttribute("data-state")));
		browser.waitFor(By.id("save")).click();
		browser.waitUntil("the document's page", () -> browser.path().matches("/documents/\\d+"));
		browser.screenshot(OUTPUT.resolve("document-laptop.png"));

		browser.open("/flow");
		browser.waitFor(By.cssSelector("#flow-page[data-ready='true']"));
		browser.choose(By.id("flow-input"), write("sensor-log-2026.csv", 1_500_000));
		FlowPageEndToEndTests.completed(browser, "sensor-log-2026.csv");
		browser.throttleUploads(1_200_000, Duration.ZERO);
		// flow.js sends the files one after the other: photos.zip first, paused early.
		browser.choose(By.id("flow-input"), write("photos.zip", 9_000_000), write("render-final.mp4", 30_000_000));
		WebElement paused = FlowPageEndToEndTests.transfer(browser, "photos.zip");
		browser.waitUntil("some progress", Duration.ofSeconds(30), () -> paused.getAttribute("data-loaded") != null
				&& Long.parseLong(paused.getAttribute("data-loaded")) > 1_000_000);
		paused.findElement(By.cssSelector("button.pause")).click();
		WebElement running = FlowPageEndToEndTests.transfer(browser, "render-final.mp4");
		browser.waitUntil("speed and time left", Duration.ofSeconds(30),
				() -> running.findElement(By.cssSelector(".transfer-stats")).getText().contains("left")
						&& Long.parseLong(running.getAttribute("data-loaded")) > 3_000_000);
		browser.screenshot(OUTPUT.resolve("flow-laptop.png"));
		browser.viewport(390, 844, 2, true);
		browser.screenshot(OUTPUT.resolve("flow-phone.png"));
		browser.online();
	}

	private Path write(String name, int size) throws IOException {
		return Files.write(this.files.resolve(name), randomBytes(size, name.hashCode()));
	}

	private static void upload(HttpTestClient client, String name, int size, boolean complete) {
		byte[] content = randomBytes(size, name.hashCode());
		int sent = complete ? size : size / 3;
		byte[] part = java.util.Arrays.copyOf(content, sent);
		String id = client.rawChunk(null, "bytes 0-" + (sent - 1) + "/" + size, part, name)
			.json()
			.get("upload_id")
			.asString();
		if (complete) {
			client.complete(id, md5(content));
		}
	}

}
