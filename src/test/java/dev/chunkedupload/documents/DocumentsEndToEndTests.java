package dev.chunkedupload.documents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.chunkedupload.testsupport.BrowserSession;
import dev.chunkedupload.testsupport.CspViolations;
import dev.chunkedupload.testsupport.EndToEnd;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Documents pages in a real Chromium: the file goes through the upload-field widget
 * (resumable.js, small chunks, three at a time) while the form waits, then the form
 * submits only the upload id; every page is checked to work under the
 * Content-Security-Policy.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.web.chunk-size=256KB",
				"chunked-upload.sweep-interval=1h", "logging.level.org.openqa.selenium=ERROR" })
class DocumentsEndToEndTests {

	static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(60);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@TempDir
	Path files;

	@Test
	void createWhenMultiMegabyteFileThenSubmitWaitsForTheWidgetAndTheDocumentHasTheFile(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(5 * 1024 * 1024 + 4321, 11);
		Path file = Files.write(this.files.resolve("board-minutes.pdf"), content);
		CspViolations.watch(browser);
		browser.login("alice", HttpTestClient.PASSWORD);

		browser.open("/documents");
		assertThat(browser.waitFor(By.cssSelector(".nav a.active")).getAttribute("data-nav")).isEqualTo("documents");
		assertThat(browser.text(By.id("documents-empty"))).isEqualTo("No documents yet.");
		assertThat(CspViolations.of(browser)).isEmpty();
		browser.waitFor(By.id("new-document")).click();

		WebElement save = browser.waitFor(By.id("save"));
		WebElement field = browser.waitFor(By.cssSelector("[data-upload-field]"));
		assertThat(field.getAttribute("data-chunk-size")).isEqualTo(String.valueOf(256 * 1024));
		assertThat(save.isEnabled()).isTrue();
		WebElement title = browser.waitFor(By.id("title"));
		title.sendKeys("Board minutes");
		browser.waitFor(By.id("description")).sendKeys("Signed copy, November");
		// About two seconds for the file, so there is a middle in which to try to submit.
		browser.throttleUploads(2_500_000, Duration.ZERO);
		browser.choose(By.id("file-chooser"), file);

		WebElement progress = field.findElement(By.cssSelector("progress"));
		browser.waitUntil("the upload to be under way", () -> "uploading".equals(field.getAttribute("data-state"))
				&& Integer.parseInt(progress.getAttribute("value")) >= 10);
		assertThat(save.isEnabled()).as("submit while uploading").isFalse();
		// A submit by script (or by the Enter key in a browser that allows it) is held
		// back too: the page stays, and its elements with it, while the upload goes on.
		int before = Integer.parseInt(progress.getAttribute("value"));
		assertThat(before).isLessThan(100);
		browser.script("document.getElementById('document-form').requestSubmit()");
		browser.waitUntil("the upload to go on after the attempt to submit",
				() -> Integer.parseInt(progress.getAttribute("value")) > before);
		assertThat(browser.path()).isEqualTo("/documents/new");

		browser.waitUntil("the upload to complete", UPLOAD_TIMEOUT, () -> {
			if ("failed".equals(field.getAttribute("data-state"))) {
				throw new AssertionError("the upload failed: " + field.getText());
			}
			return "complete".equals(field.getAttribute("data-state"));
		});
		browser.online();
		assertThat(save.isEnabled()).isTrue();
		String uploadId = field.findElement(By.cssSelector("[data-upload-id]")).getAttribute("value");
		assertThat(uploadId).matches("[0-9a-f]{32}");
		assertThat(field.findElement(By.cssSelector("[data-upload-status]")).getText())
			.isEqualTo("board-minutes.pdf (" + content.length + " bytes) uploaded");
		assertThat(CspViolations.of(browser)).isEmpty();
		save.click();

		browser.waitUntil("the document's page", () -> browser.path().matches("/documents/\\d+"));
		String page = browser.path();
		assertThat(browser.text(By.tagName("h1"))).isEqualTo("Board minutes");
		assertThat(browser.text(By.id("description"))).isEqualTo("Signed copy, November");
		assertThat(browser.text(By.id("download"))).isEqualTo("board-minutes.pdf");
		assertThat(browser.waitFor(By.id("download")).getAttribute("href")).endsWith(page + "/file");
		assertThat(browser.text(By.id("md5"))).isEqualTo(md5(content));
		assertThat(browser.text(By.id("size"))).isEqualTo("5.00 MiB (" + content.length + " bytes)");
		assertThat(browser.text(By.id("owner"))).isEqualTo("alice");
		assertThat(browser.driver().getTitle()).isEqualTo("Board minutes · Chunked Upload");
		assertThat(CspViolations.of(browser)).isEmpty();

		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		Response download = alice.get(page + "/file");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.bytes()).isEqualTo(content);
		Response upload = alice.get("/api/uploads/" + uploadId);
		assertThat(upload.json().get("status").asString()).isEqualTo("complete");
		assertThat(upload.json().get("protocol").asString()).isEqualToIgnoringCase("resumable");
		assertThat(upload.json().get("md5").asString()).isEqualTo(md5(content));
		assertThat(upload.json().get("size").asLong()).isEqualTo(content.length);

		browser.waitFor(By.id("all-documents")).click();
		WebElement row = browser.waitFor(By.cssSelector("#documents tbody tr"));
		assertThat(row.getText()).contains("Board minutes", "board-minutes.pdf", "5.00 MiB");
		assertThat(row.findElement(By.tagName("a")).getAttribute("href")).endsWith(page);
		assertThat(CspViolations.of(browser)).isEmpty();
	}

	@Test
	void createWhenNoFileThenTheFormSaysSoAndKeepsWhatWasTyped(BrowserSession browser) {
		CspViolations.watch(browser);
		browser.login("bob", HttpTestClient.PASSWORD);
		browser.open("/documents/new");
		browser.waitFor(By.id("title")).sendKeys("Without a file");
		browser.waitFor(By.id("save")).click();

		assertThat(browser.text(By.id("form-errors"))).contains("not saved");
		assertThat(browser.text(By.cssSelector("[data-upload-field] .field-error"))).contains("Choose a file");
		assertThat(browser.waitFor(By.id("title")).getAttribute("value")).isEqualTo("Without a file");
		assertThat(browser.waitFor(By.id("save")).isEnabled()).isTrue();
		assertThat(CspViolations.of(browser)).isEmpty();

		// The watch itself sees what the policy blocks.
		browser.script("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">styled</p>')");
		browser.waitUntil("the blocked style attribute to be reported", () -> !CspViolations.of(browser).isEmpty());
		assertThat(CspViolations.of(browser).get(0)).startsWith("style-src");
	}

}
