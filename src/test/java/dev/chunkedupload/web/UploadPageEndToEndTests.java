package dev.chunkedupload.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

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
 * The upload page in a real Chromium against a real server: files go through
 * jQuery-File-Upload in small raw chunks, the MD5 comes from the page's Web Worker, and
 * what the server stored is compared with the original bytes.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.web.chunk-size=256KB",
				"chunked-upload.max-bytes=16MB", "chunked-upload.sweep-interval=1h",
				"logging.level.org.openqa.selenium=ERROR" })
class UploadPageEndToEndTests {

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
	void loginWhenWrongPasswordThenErrorAndWhenRightThenUploadPageUntilLogout(BrowserSession browser) {
		browser.open("/");
		browser.waitUntil("the redirect to the login page", () -> browser.path().equals("/login"));
		browser.submitLogin("alice", "wrong");
		assertThat(browser.text(By.id("login-error"))).contains("Wrong user name or password");
		assertThat(browser.path()).isEqualTo("/login?error");

		browser.submitLogin("alice", HttpTestClient.PASSWORD);
		browser.waitFor(By.cssSelector("#upload-page[data-ready='true']"));
		// Spring Security marks the page it returns to after login with "?continue".
		assertThat(browser.path()).matches("/(\\?continue)?");
		assertThat(browser.text(By.cssSelector(".topbar .who"))).isEqualTo("alice");
		assertThat(browser.driver().findElements(By.cssSelector("[data-nav='admin']"))).isEmpty();
		String token = browser.waitFor(By.cssSelector("meta[name='_csrf']")).getAttribute("content");
		assertThat(token).isNotBlank();
		assertThat(browser.waitFor(By.cssSelector("meta[name='_csrf_header']")).getAttribute("content"))
			.isEqualTo("X-CSRF-TOKEN");

		browser.open("/no-such-page");
		assertThat(browser.text(By.tagName("h1"))).isEqualTo("404 Not Found");
		assertThat(browser.text(By.cssSelector(".topbar .who"))).isEqualTo("alice");

		browser.logout();
		assertThat(browser.text(By.id("logged-out"))).contains("You have been logged out");
		browser.open("/");
		browser.waitUntil("the login page again after logout", () -> browser.path().equals("/login"));
	}

	@Test
	void uploadWhenMultiMegabyteFileInSmallChunksThenStoredBytesAndMd5MatchTheOriginal(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(5 * 1024 * 1024 + 12_345, 1);
		Path file = write("five-megabytes.bin", content);
		browser.login("alice", HttpTestClient.PASSWORD);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = completed(browser, "five-megabytes.bin");

		String uploadId = transfer.getAttribute("data-upload-id");
		assertThat(transfer.getAttribute("data-md5")).isEqualTo(md5(content));
		assertThat(transfer.getAttribute("data-client-md5")).isEqualTo(md5(content));
		assertThat(transfer.findElement(By.cssSelector(".transfer-md5 code")).getText()).isEqualTo(md5(content));
		assertStored(uploadId, content, "five-megabytes.bin");

		// "My uploads" shows it once the page has refreshed the list, with a download
		// link.
		WebElement row = browser.waitFor(By.cssSelector("#my-uploads-table tr[data-upload-id='" + uploadId + "']"));
		assertThat(row.getAttribute("data-status")).isEqualTo("complete");
		assertThat(row.getText()).contains("five-megabytes.bin").contains(md5(content));
		assertThat(row.findElement(By.cssSelector("a.download")).getAttribute("href"))
			.endsWith("/api/uploads/" + uploadId + "/content");
	}

	@Test
	void uploadWhenFileDroppedOnTheDropZoneThenUploaded(BrowserSession browser) {
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.waitFor(By.cssSelector("#upload-page[data-ready='true']"));

		// A drop as jQuery-File-Upload sees it: an event whose dataTransfer holds files.
		// (Selenium cannot drag files from the desktop, and a DataTransfer made in a page
		// yields no file entries.)
		browser.script("""
				var bytes = new Uint8Array(300000);
				for (var i = 0; i < bytes.length; i++) { bytes[i] = (i * 7) & 255; }
				var drop = jQuery.Event('drop');
				drop.originalEvent = { preventDefault: function () {},
				  dataTransfer: { files: [new File([bytes], 'dropped.bin')] } };
				jQuery('#drop-zone').trigger(drop);""");
		WebElement transfer = completed(browser, "dropped.bin");

		byte[] expected = new byte[300_000];
		for (int i = 0; i < expected.length; i++) {
			expected[i] = (byte) ((i * 7) & 255);
		}
		assertStored(transfer.getAttribute("data-upload-id"), expected, "dropped.bin");
	}

	@Test
	void uploadWhenEmptyFileThenCompletesWithTheMd5OfNothing(BrowserSession browser) throws IOException {
		Path file = write("empty.txt", new byte[0]);
		browser.login("alice", HttpTestClient.PASSWORD);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = completed(browser, "empty.txt");

		assertThat(transfer.getAttribute("data-md5")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
		assertStored(transfer.getAttribute("data-upload-id"), new byte[0], "empty.txt");
	}

	@Test
	void uploadWhenTwoFilesAtOnceThenEachCompletesWithItsOwnUploadIdAndMd5(BrowserSession browser) throws IOException {
		byte[] first = randomBytes(3 * 1024 * 1024 + 7, 2);
		byte[] second = randomBytes(2 * 1024 * 1024 + 99_999, 3);
		Path firstFile = write("first.bin", first);
		Path secondFile = write("second.bin", second);
		browser.login("alice", HttpTestClient.PASSWORD);

		browser.choose(By.id("file-input"), firstFile, secondFile);
		WebElement one = completed(browser, "first.bin");
		WebElement two = completed(browser, "second.bin");

		assertThat(one.getAttribute("data-upload-id")).isNotEqualTo(two.getAttribute("data-upload-id"));
		assertThat(one.getAttribute("data-md5")).isEqualTo(md5(first));
		assertThat(two.getAttribute("data-md5")).isEqualTo(md5(second));
		assertStored(one.getAttribute("data-upload-id"), first, "first.bin");
		assertStored(two.getAttribute("data-upload-id"), second, "second.bin");
	}

	@Test
	void uploadWhenBrowserGoesOfflineHalfwayThenResumesAfterReloadWithTheRightMd5(BrowserSession browser)
			throws IOException {
		int size = 6 * 1024 * 1024;
		byte[] content = randomBytes(size, 4);
		Path file = write("interrupted.bin", content);
		browser.login("alice", HttpTestClient.PASSWORD);
		// About four seconds for the whole file, so there is a middle to stop in.
		browser.throttleUploads(1_500_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "interrupted.bin");
		browser.waitUntil("the upload id of the first chunk", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		browser.waitUntil("the server to hold a third of the file", UPLOAD_TIMEOUT,
				() -> serverOffset(uploadId) >= size / 3);
		browser.offline();
		browser.waitUntil("the page to notice the lost connection", UPLOAD_TIMEOUT,
				() -> "retrying".equals(transfer.getAttribute("data-state")));
		long offsetWhenOffline = serverOffset(uploadId);
		assertThat(offsetWhenOffline).isBetween((long) size / 3, (long) size - 1);

		browser.online();
		browser.driver().navigate().refresh();
		browser.waitFor(By.cssSelector("#upload-page[data-ready='true']"));
		assertThat(browser.driver().findElements(By.cssSelector(".transfer"))).isEmpty();
		assertThat(browser.waitFor(By.cssSelector("#my-uploads-table tr[data-upload-id='" + uploadId + "']"))
			.getAttribute("data-status")).isEqualTo("uploading");

		browser.choose(By.id("file-input"), file);
		WebElement resumed = completed(browser, "interrupted.bin");

		assertThat(resumed.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(Long.parseLong(resumed.getAttribute("data-resumed-at"))).isGreaterThanOrEqualTo(offsetWhenOffline);
		assertThat(resumed.getAttribute("data-md5")).isEqualTo(md5(content));
		assertThat(resumed.findElement(By.cssSelector(".transfer-state")).getText()).isEqualTo("Complete");
		assertStored(uploadId, content, "interrupted.bin");
		assertThat(browser.script("return window.localStorage.length")).isEqualTo(0L);
	}

	@Test
	void uploadWhenPausedThenNothingMoreArrivesAndResumeCompletesTheSameUpload(BrowserSession browser)
			throws IOException, InterruptedException {
		int size = 4 * 1024 * 1024;
		byte[] content = randomBytes(size, 5);
		Path file = write("paused.bin", content);
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "paused.bin");
		browser.waitUntil("a first chunk", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		transfer.findElement(By.cssSelector("button.pause")).click();
		browser.waitUntil("the pause", () -> "paused".equals(transfer.getAttribute("data-state")));
		long paused = serverOffset(uploadId);
		Thread.sleep(1000);
		assertThat(serverOffset(uploadId)).isEqualTo(paused).isLessThan(size);
		assertThat(transfer.findElement(By.cssSelector("button.resume")).isDisplayed()).isTrue();

		browser.online();
		transfer.findElement(By.cssSelector("button.resume")).click();
		completed(browser, "paused.bin");

		assertThat(transfer.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(Long.parseLong(transfer.getAttribute("data-resumed-at"))).isEqualTo(paused);
		assertStored(uploadId, content, "paused.bin");
	}

	@Test
	void uploadWhenCancelledThenTheServerDeletesWhatWasSent(BrowserSession browser) throws IOException {
		Path file = write("cancelled.bin", randomBytes(4 * 1024 * 1024, 6));
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "cancelled.bin");
		browser.waitUntil("a first chunk", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		transfer.findElement(By.cssSelector("button.cancel")).click();

		browser.waitUntil("the page to report the deletion",
				() -> transfer.findElement(By.cssSelector(".transfer-state")).getText().contains("deleted"));
		assertThat(transfer.getAttribute("data-state")).isEqualTo("cancelled");
		assertThat(this.alice.get("/api/chunked-upload/" + uploadId).status()).isEqualTo(404);
		assertThat(this.alice.get("/api/uploads/" + uploadId).json().get("status").asString()).isEqualTo("aborted");
		assertThat(browser.script("return window.localStorage.length")).isEqualTo(0L);
	}

	@Test
	void uploadWhenFileOverTheServerLimitThenTheReasonIsShownInWords(BrowserSession browser) throws IOException {
		Path file = this.files.resolve("too-large.bin");
		try (var channel = Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE_NEW,
				java.nio.file.StandardOpenOption.WRITE)) {
			channel.position(17L * 1024 * 1024);
			channel.write(java.nio.ByteBuffer.wrap(new byte[] { 1 }));
		}
		browser.login("alice", HttpTestClient.PASSWORD);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = transfer(browser, "too-large.bin");
		browser.waitUntil("the refusal", () -> "failed".equals(transfer.getAttribute("data-state")));

		assertThat(transfer.findElement(By.cssSelector(".transfer-state")).getText())
			.startsWith("The file is larger than the server accepts");
		assertThat(transfer.findElement(By.cssSelector("button.dismiss")).isDisplayed()).isTrue();
		assertThat(transfer.findElement(By.cssSelector("button.cancel")).isDisplayed()).isFalse();
	}

	private long serverOffset(String uploadId) {
		Response status = this.alice.get("/api/chunked-upload/" + uploadId);
		assertThat(status.status()).isEqualTo(200);
		return status.json().get("offset").asLong();
	}

	private void assertStored(String uploadId, byte[] content, String filename) {
		Response upload = this.alice.get("/api/uploads/" + uploadId);
		assertThat(upload.status()).isEqualTo(200);
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

	static List<WebElement> rows(BrowserSession browser) {
		return browser.driver().findElements(By.cssSelector("#my-uploads-table tbody tr"));
	}

}
