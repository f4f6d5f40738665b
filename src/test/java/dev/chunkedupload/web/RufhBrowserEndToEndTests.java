package dev.chunkedupload.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

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
 * tus-js-client 4.3.1, the copy this server serves to its tus page, speaking Resumable
 * Uploads for HTTP ({@code protocol: 'ietf-draft-05'}, interop version 6) to
 * {@code /api/rufh} in a real Chromium, with the page's session and CSRF header. The
 * client is driven from the tus page (where it is already loaded) by script rather than
 * through the page's own form, which speaks tus; what the server stored is compared with
 * the original bytes through {@code /api/uploads/{id}}.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.max-bytes=16MB", "chunked-upload.sweep-interval=1h",
				"logging.level.org.openqa.selenium=ERROR" })
class RufhBrowserEndToEndTests {

	static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * A file input of its own (the page's would start a tus upload) and a function that
	 * starts a tus.Upload in ietf-draft-05 mode, keeping its state and every request's
	 * protocol fields in {@code window.rufh[name]} for the test to poll.
	 */
	static final String HARNESS = """
			var input = document.createElement('input');
			input.type = 'file';
			input.id = 'rufh-file';
			document.body.appendChild(input);
			window.rufh = {};
			window.rufhStart = function (name, extra) {
			  var state = window.rufh[name] = window.rufh[name] || { requests: [], uploads: [] };
			  state.state = 'uploading';
			  state.error = null;
			  var upload = null;
			  var options = {
			    endpoint: '/api/rufh',
			    protocol: 'ietf-draft-05',
			    headers: Csrf.headers(),
			    retryDelays: null,
			    storeFingerprintForResuming: false,
			    onUploadUrlAvailable: function () { state.url = upload.url; },
			    onBeforeRequest: function (request) {
			      state.requests.push([request.getMethod(),
			        request.getHeader('Upload-Draft-Interop-Version') || '',
			        request.getHeader('Upload-Complete') || '',
			        request.getHeader('Upload-Offset') || '',
			        request.getHeader('Content-Type') || ''].join(' '));
			    },
			    onAfterResponse: function (request, response) {
			      state.requests.push('-> ' + response.getStatus());
			    },
			    onProgress: function (sent) { state.sent = sent; },
			    onSuccess: function () { state.state = 'complete'; },
			    onError: function (error) { state.state = 'failed'; state.error = String(error); }
			  };
			  Object.keys(extra || {}).forEach(function (key) { options[key] = extra[key]; });
			  upload = new tus.Upload(document.getElementById('rufh-file').files[0], options);
			  state.uploads.push(upload);
			  upload.start();
			};""";

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
	void uploadWhenInChunksThenEveryRequestSpeaksVersion6AndTheStoredMd5MatchesTheOriginal(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(1024 * 1024 + 54_321, 31);
		open(browser, write("chunks.bin", content));

		start(browser, "chunks", Map.of("chunkSize", 256 * 1024));
		completed(browser, "chunks");

		String uploadId = uploadId(browser, "chunks");
		assertStored(uploadId, content);
		// Creation without a body, then five appends; only the last one says complete.
		assertThat(requests(browser, "chunks")).containsExactly("POST 6 ?0  ", "-> 201",
				"PATCH 6 ?0 0 application/partial-upload", "-> 204", "PATCH 6 ?0 262144 application/partial-upload",
				"-> 204", "PATCH 6 ?0 524288 application/partial-upload", "-> 204",
				"PATCH 6 ?0 786432 application/partial-upload", "-> 204",
				"PATCH 6 ?1 1048576 application/partial-upload", "-> 204");
	}

	@Test
	void uploadWhenAbortedHalfwayThenStartAgainAsksTheOffsetAndCompletesTheSameUpload(BrowserSession browser)
			throws IOException {
		int size = 12 * 1024 * 1024;
		byte[] content = randomBytes(size, 32);
		open(browser, write("aborted.bin", content));
		// About twelve seconds for the whole file, in one PATCH: the abort cuts its body.
		browser.throttleUploads(1_000_000, Duration.ZERO);

		start(browser, "aborted", Map.of());
		browser.waitUntil("the upload's URL", () -> uploadId(browser, "aborted") != null);
		String uploadId = uploadId(browser, "aborted");
		// The server records a single append's offset when it ends: ask the client.
		browser.waitUntil("a quarter of the file sent", UPLOAD_TIMEOUT,
				() -> ((Number) browser.script("return window.rufh.aborted.sent || 0")).longValue() >= size / 4);
		browser.script("window.rufh.aborted.uploads[0].abort(false)");
		long paused = settledOffset(browser, uploadId);
		assertThat(paused).isBetween(1L, (long) size - 1);
		assertThat(this.alice.get("/api/uploads/" + uploadId).json().get("status").asString()).isEqualTo("uploading");

		browser.online();
		browser.script("var upload = window.rufh.aborted.uploads[0]; window.rufh.aborted.state = 'resumed';"
				+ " upload.start();");
		completed(browser, "aborted");

		assertStored(uploadId, content);
		List<String> requests = requests(browser, "aborted");
		assertThat(requests).startsWith("POST 6 ?0  ", "-> 201", "PATCH 6 ?1 0 application/partial-upload")
			.endsWith("HEAD 6   ", "-> 204", "PATCH 6 ?1 " + paused + " application/partial-upload", "-> 204");
	}

	@Test
	void uploadWhenPageReloadedHalfwayThenANewUploadFromTheUrlContinuesIt(BrowserSession browser) throws IOException {
		int size = 4 * 1024 * 1024;
		byte[] content = randomBytes(size, 33);
		Path file = write("reloaded.bin", content);
		open(browser, file);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		start(browser, "reloaded", Map.of("chunkSize", 1024 * 1024));
		browser.waitUntil("the upload's URL", () -> uploadId(browser, "reloaded") != null);
		String url = (String) browser.script("return window.rufh.reloaded.url");
		String uploadId = uploadId(browser, "reloaded");
		browser.waitUntil("a third of the file on the server", UPLOAD_TIMEOUT,
				() -> serverOffset(uploadId) >= size / 3);

		open(browser, file);
		browser.online();
		long offset = settledOffset(browser, uploadId);
		assertThat(offset).isBetween((long) size / 3, (long) size - 1);
		start(browser, "reloaded", Map.of("chunkSize", 1024 * 1024, "uploadUrl", url));
		completed(browser, "reloaded");

		assertStored(uploadId, content);
		// The rest in chunks of a megabyte from where the server is; the last says ?1.
		String complete = (size - offset > 1024 * 1024) ? "?0" : "?1";
		assertThat(requests(browser, "reloaded")).startsWith("HEAD 6   ", "-> 204",
				"PATCH 6 " + complete + " " + offset + " application/partial-upload", "-> 204");
	}

	@Test
	void uploadWhenTerminatedThenTheServerDeletesWhatWasSent(BrowserSession browser) throws IOException {
		open(browser, write("terminated.bin", randomBytes(4 * 1024 * 1024, 34)));
		browser.throttleUploads(1_000_000, Duration.ZERO);

		start(browser, "terminated", Map.of());
		browser.waitUntil("the upload's URL", () -> uploadId(browser, "terminated") != null);
		String uploadId = uploadId(browser, "terminated");
		browser.waitUntil("some bytes on the server", UPLOAD_TIMEOUT, () -> serverOffset(uploadId) > 0);
		browser.driver()
			.executeAsyncScript("var done = arguments[arguments.length - 1];"
					+ " window.rufh.terminated.uploads[0].abort(true).then(function () { done('deleted'); },"
					+ " function (error) { done(String(error)); });");

		assertThat(requests(browser, "terminated")).endsWith("DELETE 6   ", "-> 204");
		assertThat(this.alice.get("/api/uploads/" + uploadId).json().get("status").asString()).isEqualTo("aborted");
	}

	@Test
	void uploadWhenDataDuringCreationThenThePostCarriesTheFirstChunkAndTheMd5Matches(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(600_000, 35);
		open(browser, write("with-creation.bin", content));

		start(browser, "creation", Map.of("chunkSize", 256 * 1024, "uploadDataDuringCreation", true));
		completed(browser, "creation");

		String uploadId = uploadId(browser, "creation");
		assertStored(uploadId, content);
		assertThat(requests(browser, "creation")).containsExactly("POST 6 ?0  application/partial-upload", "-> 201",
				"PATCH 6 ?0 262144 application/partial-upload", "-> 204",
				"PATCH 6 ?1 524288 application/partial-upload", "-> 204");
		// The creation's Content-Type says how the bytes are sent, not what they are.
		assertThat(this.alice.get("/api/uploads/" + uploadId + "/content").contentType())
			.isEqualTo("application/octet-stream");
	}

	@Test
	void uploadWhenEmptyFileWithDataDuringCreationThenTheServerCompletesIt(BrowserSession browser) throws IOException {
		open(browser, write("empty.bin", new byte[0]));

		start(browser, "empty", Map.of("uploadDataDuringCreation", true));
		completed(browser, "empty");

		assertStored(uploadId(browser, "empty"), new byte[0]);
		assertThat(requests(browser, "empty")).containsExactly("POST 6 ?1  application/partial-upload", "-> 201");
	}

	/**
	 * The client's own disagreement with the draft (docs/rufh.md): without data during
	 * creation it creates an empty file's upload with {@code Upload-Complete: ?0} and
	 * then reports success without another request, so a server that follows the draft
	 * keeps the upload open, as the client asked.
	 */
	@Test
	void uploadWhenEmptyFileWithoutDataDuringCreationThenTheClientNeverSaysItIsComplete(BrowserSession browser)
			throws IOException {
		open(browser, write("empty-open.bin", new byte[0]));

		start(browser, "open", Map.of());
		completed(browser, "open");

		assertThat(requests(browser, "open")).containsExactly("POST 6 ?0  ", "-> 201");
		Response upload = this.alice.get("/api/uploads/" + uploadId(browser, "open"));
		assertThat(upload.json().get("status").asString()).isEqualTo("uploading");
		assertThat(upload.json().get("offset").asLong()).isZero();
	}

	private void open(BrowserSession browser, Path file) {
		if (!browser.path().startsWith("/tus")) {
			browser.login("alice", HttpTestClient.PASSWORD);
		}
		browser.open("/tus");
		browser.waitFor(By.cssSelector("#tus-page[data-ready='true']"));
		browser.script(HARNESS);
		browser.choose(By.id("rufh-file"), file);
	}

	private static void start(BrowserSession browser, String name, Map<String, Object> options) {
		browser.script("window.rufhStart(arguments[0], arguments[1])", name, options);
	}

	private static void completed(BrowserSession browser, String name) {
		browser.waitUntil(name + " to complete", UPLOAD_TIMEOUT, () -> {
			String state = (String) browser.script("return window.rufh[arguments[0]].state", name);
			if ("failed".equals(state)) {
				throw new AssertionError(
						name + " failed: " + browser.script("return window.rufh[arguments[0]].error", name)
								+ "; requests " + requests(browser, name));
			}
			return "complete".equals(state);
		});
	}

	@SuppressWarnings("unchecked")
	private static List<String> requests(BrowserSession browser, String name) {
		return (List<String>) browser.script("return window.rufh[arguments[0]].requests", name);
	}

	private static String uploadId(BrowserSession browser, String name) {
		String url = (String) browser.script("return window.rufh[arguments[0]].url || null", name);
		return (url != null) ? url.substring(url.lastIndexOf('/') + 1) : null;
	}

	/** The server's offset once it stops moving: an aborted append keeps what arrived. */
	private long settledOffset(BrowserSession browser, String uploadId) {
		long[] last = { -1 };
		browser.waitUntil("the offset to settle", () -> {
			long before = serverOffset(uploadId);
			sleep(500);
			last[0] = serverOffset(uploadId);
			return last[0] == before;
		});
		return last[0];
	}

	private long serverOffset(String uploadId) {
		Response upload = this.alice.get("/api/uploads/" + uploadId);
		assertThat(upload.status()).isEqualTo(200);
		return upload.json().get("offset").asLong();
	}

	private void assertStored(String uploadId, byte[] content) {
		Response upload = this.alice.get("/api/uploads/" + uploadId);
		assertThat(upload.status()).isEqualTo(200);
		assertThat(upload.json().get("protocol").asString()).isEqualTo("rufh");
		assertThat(upload.json().get("status").asString()).isEqualTo("complete");
		assertThat(upload.json().get("size").asLong()).isEqualTo(content.length);
		assertThat(upload.json().get("md5").asString()).isEqualTo(md5(content));
		Response download = this.alice.get("/api/uploads/" + uploadId + "/content");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.bytes()).isEqualTo(content);
	}

	private Path write(String name, byte[] content) throws IOException {
		return Files.write(this.files.resolve(name), content);
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

}
