package dev.chunkedupload.web;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

import dev.chunkedupload.testsupport.BrowserSession;
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
 * The tus page in a real Chromium against a real server: tus-js-client sends files in
 * small chunks to {@code /api/tus} with the session and the CSRF header, in one stream or
 * in parallel parts that the server joins, and continues an upload after a reload from
 * the URL it stored in localStorage. What the server stored is compared with the original
 * bytes.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.web.chunk-size=256KB",
				"chunked-upload.max-bytes=16MB", "chunked-upload.sweep-interval=1h",
				"logging.level.org.openqa.selenium=ERROR" })
class TusPageEndToEndTests {

	static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(60);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@TempDir
	Path files;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@Test
	void uploadWhenMultiMegabyteFileInOneStreamThenStoredMd5MatchesTheOriginal(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(5 * 1024 * 1024 + 12_345, 11);
		Path file = write("one-stream.bin", content);
		open(browser);
		assertThat(browser.text(By.cssSelector(".nav a.active"))).isEqualTo("Upload with tus");

		browser.choose(By.id("file-input"), file);
		WebElement transfer = completed(browser, "one-stream.bin");

		String uploadId = transfer.getAttribute("data-upload-id");
		assertThat(transfer.getAttribute("data-parts")).isEqualTo("1");
		assertThat(transfer.getAttribute("data-part-ids")).isNull();
		assertThat(transfer.getAttribute("data-md5")).isEqualTo(md5(content));
		assertThat(transfer.getAttribute("data-client-md5")).isEqualTo(md5(content));
		assertThat(transfer.getAttribute("data-verified")).isEqualTo("true");
		assertThat(transfer.findElement(By.cssSelector(".transfer-md5")).getText()).contains(md5(content))
			.contains("matches the file");
		assertStored(uploadId, content, "one-stream.bin");
		// Complete: tus-js-client forgot the URL it had stored for resuming.
		assertThat(tusEntries(browser)).isZero();

		WebElement row = browser.waitFor(By.cssSelector("#my-uploads-table tr[data-upload-id='" + uploadId + "']"));
		browser.waitUntil("the row to show the upload complete",
				() -> "complete".equals(row.getAttribute("data-status")));
		assertThat(row.getText()).contains("one-stream.bin").contains(md5(content));
	}

	@Test
	void uploadWhenThreeParallelPartsThenTheServerJoinsThemAndTheMd5MatchesTheOriginal(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(5 * 1024 * 1024 + 777, 12);
		Path file = write("three-parts.bin", content);
		open(browser);
		new Select(browser.waitFor(By.id("tus-parts"))).selectByValue("3");

		browser.choose(By.id("file-input"), file);
		WebElement transfer = completed(browser, "three-parts.bin");

		String uploadId = transfer.getAttribute("data-upload-id");
		assertThat(transfer.getAttribute("data-parts")).isEqualTo("3");
		assertThat(transfer.findElement(By.cssSelector(".transfer-parts")).getText()).isEqualTo("in 3 parts");
		assertThat(transfer.getAttribute("data-md5")).isEqualTo(md5(content));
		assertThat(transfer.getAttribute("data-verified")).isEqualTo("true");
		assertStored(uploadId, content, "three-parts.bin");
		// Three partial uploads, joined into the final one and deleted afterwards.
		List<String> parts = Arrays.asList(transfer.getAttribute("data-part-ids").split(" "));
		assertThat(parts).hasSize(3).doesNotHaveDuplicates().doesNotContain(uploadId);
		for (String part : parts) {
			assertThat(this.alice.get("/api/uploads/" + part).json().get("status").asString()).isEqualTo("aborted");
			assertThat(tusHead(part).status()).isEqualTo(404);
		}
		assertThat(tusEntries(browser)).isZero();
	}

	@Test
	void uploadWhenPageReloadedHalfwayThenTheSameFileContinuesTheSameUploadToTheRightMd5(BrowserSession browser)
			throws IOException {
		int size = 6 * 1024 * 1024;
		byte[] content = randomBytes(size, 13);
		Path file = write("reloaded.bin", content);
		open(browser);
		// About four seconds for the whole file, so there is a middle to reload in.
		browser.throttleUploads(1_500_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "reloaded.bin");
		browser.waitUntil("the upload's URL", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		browser.waitUntil("the server to hold a third of the file", UPLOAD_TIMEOUT,
				() -> serverOffset(uploadId) >= size / 3);
		long offsetBeforeReload = serverOffset(uploadId);

		browser.driver().navigate().refresh();
		browser.waitFor(By.cssSelector("#tus-page[data-ready='true']"));
		browser.online();
		assertThat(browser.driver().findElements(By.cssSelector(".transfer"))).isEmpty();
		assertThat(tusEntries(browser)).isOne();
		assertThat(storedUploadUrl(browser)).endsWith("/api/tus/" + uploadId);
		long offsetAfterReload = serverOffset(uploadId);
		assertThat(offsetAfterReload).isBetween(offsetBeforeReload, (long) size - 1);

		browser.choose(By.id("file-input"), file);
		WebElement resumed = completed(browser, "reloaded.bin");

		assertThat(resumed.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(Long.parseLong(resumed.getAttribute("data-resumed-at"))).isGreaterThanOrEqualTo(offsetAfterReload);
		assertThat(resumed.getAttribute("data-md5")).isEqualTo(md5(content));
		assertThat(resumed.getAttribute("data-verified")).isEqualTo("true");
		assertStored(uploadId, content, "reloaded.bin");
		assertThat(uploadsNamed("reloaded.bin")).as("uploads of the file").isOne();
		assertThat(tusEntries(browser)).isZero();
	}

	@Test
	void uploadWhenParallelPartsPausedThenNothingMoreArrivesAndResumeCompletesTheSameParts(BrowserSession browser)
			throws IOException, InterruptedException {
		int size = 4 * 1024 * 1024;
		byte[] content = randomBytes(size, 14);
		Path file = write("paused-parts.bin", content);
		open(browser);
		new Select(browser.waitFor(By.id("tus-parts"))).selectByValue("2");
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "paused-parts.bin");
		browser.waitUntil("two parts under way", UPLOAD_TIMEOUT, () -> transfer.getAttribute("data-part-ids") != null
				&& transfer.getAttribute("data-part-ids").split(" ").length == 2 && loaded(transfer) > 1_000_000);
		List<String> parts = Arrays.asList(transfer.getAttribute("data-part-ids").split(" "));
		transfer.findElement(By.cssSelector("button.pause")).click();
		browser.waitUntil("the pause", () -> "paused".equals(transfer.getAttribute("data-state")));
		// An aborted PATCH keeps what arrived; once that is recorded nothing more comes.
		browser.waitUntil("the parts' offsets to settle", () -> {
			long before = partOffsets(parts);
			sleep(500);
			return partOffsets(parts) == before;
		});
		long paused = partOffsets(parts);
		Thread.sleep(1000);
		assertThat(partOffsets(parts)).isEqualTo(paused).isLessThan(size);
		for (String part : parts) {
			assertThat(this.alice.get("/api/uploads/" + part).json().get("filename").asString())
				.isEqualTo("paused-parts.bin (part)");
		}

		browser.online();
		transfer.findElement(By.cssSelector("button.resume")).click();
		completed(browser, "paused-parts.bin");

		assertThat(Arrays.asList(transfer.getAttribute("data-part-ids").split(" "))).isEqualTo(parts);
		assertThat(Long.parseLong(transfer.getAttribute("data-resumed-at"))).isEqualTo(paused);
		assertThat(transfer.getAttribute("data-md5")).isEqualTo(md5(content));
		assertStored(transfer.getAttribute("data-upload-id"), content, "paused-parts.bin");
	}

	@Test
	void uploadWhenCancelledThenTheServerDeletesWhatWasSent(BrowserSession browser) throws IOException {
		Path file = write("cancelled.bin", randomBytes(4 * 1024 * 1024, 15));
		open(browser);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "cancelled.bin");
		browser.waitUntil("the upload's URL", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		browser.waitUntil("some bytes on the server", UPLOAD_TIMEOUT, () -> serverOffset(uploadId) > 0);
		transfer.findElement(By.cssSelector("button.cancel")).click();

		browser.waitUntil("the page to report the deletion",
				() -> transfer.findElement(By.cssSelector(".transfer-state")).getText().contains("deleted"));
		assertThat(transfer.getAttribute("data-state")).isEqualTo("cancelled");
		assertThat(tusHead(uploadId).status()).isEqualTo(404);
		assertThat(this.alice.get("/api/uploads/" + uploadId).json().get("status").asString()).isEqualTo("aborted");
		assertThat(tusEntries(browser)).isZero();
	}

	@Test
	void uploadWhenBrowserGoesOfflineThenItWaitsAndContinuesByItselfWhenBackOnline(BrowserSession browser)
			throws IOException {
		int size = 4 * 1024 * 1024;
		byte[] content = randomBytes(size, 16);
		Path file = write("offline.bin", content);
		open(browser);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "offline.bin");
		browser.waitUntil("the upload's URL", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		browser.waitUntil("a quarter of the file on the server", UPLOAD_TIMEOUT,
				() -> serverOffset(uploadId) >= size / 4);
		browser.offline();
		browser.waitUntil("the page to notice the lost connection",
				() -> "offline".equals(transfer.getAttribute("data-state")));
		assertThat(transfer.findElement(By.cssSelector(".transfer-state")).getText())
			.contains("continues when the browser is back online");

		browser.online();
		completed(browser, "offline.bin");

		assertThat(transfer.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(Long.parseLong(transfer.getAttribute("data-resumed-at"))).isGreaterThanOrEqualTo(size / 4);
		assertStored(uploadId, content, "offline.bin");
	}

	@Test
	void uploadWhenEmptyFileThenCompletesWithTheMd5OfNothing(BrowserSession browser) throws IOException {
		Path file = write("empty.txt", new byte[0]);
		open(browser);
		new Select(browser.waitFor(By.id("tus-parts"))).selectByValue("3");

		browser.choose(By.id("file-input"), file);
		WebElement transfer = completed(browser, "empty.txt");

		// Nothing to split: one stream.
		assertThat(transfer.getAttribute("data-parts")).isEqualTo("1");
		assertThat(transfer.getAttribute("data-md5")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
		assertThat(transfer.getAttribute("data-verified")).isEqualTo("true");
		assertStored(transfer.getAttribute("data-upload-id"), new byte[0], "empty.txt");
	}

	@Test
	void uploadWhenFileOverTheServerLimitThenTheReasonIsShownInWords(BrowserSession browser) throws IOException {
		Path file = this.files.resolve("too-large.bin");
		try (var channel = Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE_NEW,
				java.nio.file.StandardOpenOption.WRITE)) {
			channel.position(17L * 1024 * 1024);
			channel.write(java.nio.ByteBuffer.wrap(new byte[] { 1 }));
		}
		open(browser);
		browser.waitFor(By.id("tus-verify")).click();

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "too-large.bin");
		browser.waitUntil("the refusal", () -> "failed".equals(transfer.getAttribute("data-state")));

		assertThat(transfer.findElement(By.cssSelector(".transfer-state")).getText())
			.startsWith("The file is larger than the server accepts");
		assertThat(transfer.getAttribute("data-upload-id")).isNull();
		assertThat(transfer.findElement(By.cssSelector("button.dismiss")).isDisplayed()).isTrue();
		assertThat(transfer.findElement(By.cssSelector("button.cancel")).isDisplayed()).isFalse();
		assertThat(uploadsNamed("too-large.bin")).isZero();
	}

	private void open(BrowserSession browser) {
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.open("/tus");
		browser.waitFor(By.cssSelector("#tus-page[data-ready='true']"));
	}

	private long serverOffset(String uploadId) {
		Response upload = this.alice.get("/api/uploads/" + uploadId);
		assertThat(upload.status()).isEqualTo(200);
		return upload.json().get("offset").asLong();
	}

	private long partOffsets(List<String> parts) {
		return parts.stream().mapToLong(this::serverOffset).sum();
	}

	private Response tusHead(String uploadId) {
		return this.alice.send(this.alice.request("/api/tus/" + uploadId)
			.header("Tus-Resumable", "1.0.0")
			.method("HEAD", HttpRequest.BodyPublishers.noBody()));
	}

	private long uploadsNamed(String filename) {
		JsonNode uploads = this.alice.get("/api/uploads").json();
		long count = 0;
		for (JsonNode upload : uploads) {
			if (filename.equals(upload.get("filename").asString())) {
				count++;
			}
		}
		return count;
	}

	private void assertStored(String uploadId, byte[] content, String filename) {
		Response upload = this.alice.get("/api/uploads/" + uploadId);
		assertThat(upload.status()).isEqualTo(200);
		assertThat(upload.json().get("protocol").asString()).isEqualTo("tus");
		assertThat(upload.json().get("status").asString()).isEqualTo("complete");
		assertThat(upload.json().get("filename").asString()).isEqualTo(filename);
		assertThat(upload.json().get("size").asLong()).isEqualTo(content.length);
		assertThat(upload.json().get("md5").asString()).isEqualTo(md5(content));
		Response download = this.alice.get("/api/uploads/" + uploadId + "/content");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.bytes()).isEqualTo(content);
	}

	private Path write(String name, byte[] content) throws IOException {
		return Files.write(this.files.resolve(name), content);
	}

	/** The entries tus-js-client keeps in localStorage to resume uploads. */
	private static long tusEntries(BrowserSession browser) {
		return (Long) browser.script("""
				var count = 0;
				for (var i = 0; i < localStorage.length; i++) {
				  if (localStorage.key(i).indexOf('tus::') === 0) { count++; }
				}
				return count;""");
	}

	private static String storedUploadUrl(BrowserSession browser) {
		return (String) browser.script("""
				for (var i = 0; i < localStorage.length; i++) {
				  if (localStorage.key(i).indexOf('tus::') === 0) {
				    return JSON.parse(localStorage.getItem(localStorage.key(i))).uploadUrl;
				  }
				}
				return null;""");
	}

	private static long loaded(WebElement transfer) {
		String loaded = transfer.getAttribute("data-loaded");
		return (loaded != null) ? Long.parseLong(loaded) : 0;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static WebElement transfer(BrowserSession browser, String name) {
		return browser.waitFor(By.cssSelector(".transfer[data-name='" + name + "']"));
	}

	static WebElement completed(BrowserSession browser, String name) {
		WebElement transfer = transfer(browser, name);
		browser.waitUntil(name + " to complete", UPLOAD_TIMEOUT, () -> {
			String state = transfer.getAttribute("data-state");
			if ("failed".equals(state) || "cancelled".equals(state)) {
				throw new AssertionError(name + " ended " + state + ": "
						+ transfer.findElement(By.cssSelector(".transfer-state")).getText());
			}
			return "complete".equals(state);
		});
		return transfer;
	}

}
