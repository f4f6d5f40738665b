package dev.chunkedupload.web;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
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

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flow.js page in a real Chromium: files go through the vendored flow.js to
 * {@code /api/resumable} in small raw chunks, three at a time. A servlet filter in front
 * of the endpoint records every request (method, chunk number, status), so the tests can
 * say which chunks the browser actually sent, not only that the file arrived.
 */
@EndToEnd
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.web.chunk-size=256KB",
				"chunked-upload.sweep-interval=1h", "logging.level.org.openqa.selenium=ERROR" })
class FlowPageEndToEndTests {

	static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(60);

	static final int CHUNK_SIZE = 256 * 1024;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	ResumableRequests requests;

	@TempDir
	Path files;

	HttpTestClient alice;

	@BeforeEach
	void reset() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.requests.clear();
	}

	@Test
	void uploadWhenPageReloadedHalfwayThenTheSameFileAgainSendsOnlyTheMissingChunks(BrowserSession browser)
			throws IOException {
		byte[] content = randomBytes(5 * 1024 * 1024 + 12_345, 21);
		int totalChunks = (content.length + CHUNK_SIZE - 1) / CHUNK_SIZE;
		Path file = Files.write(this.files.resolve("survey-export.bin"), content);
		CspViolations.watch(browser);
		openFlowPage(browser);
		assertThat(browser.waitFor(By.cssSelector(".nav a.active")).getAttribute("data-nav")).isEqualTo("flow");
		// About three and a half seconds for the file, so there is a middle to reload in.
		browser.throttleUploads(1_500_000, Duration.ZERO);

		browser.choose(By.id("flow-input"), file);
		WebElement transfer = transfer(browser, "survey-export.bin");
		browser.waitUntil("a third of the chunks stored", UPLOAD_TIMEOUT,
				() -> this.requests.stored(0, this.requests.count()).size() >= totalChunks / 3);
		browser.waitUntil("the upload id on the page", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		assertThat(CspViolations.of(browser)).isEmpty();

		browser.driver().navigate().refresh();
		browser.online();
		browser.waitFor(By.cssSelector("#flow-page[data-ready='true']"));
		assertThat(browser.driver().findElements(By.cssSelector(".transfer"))).isEmpty();
		// The requests the reload cut off end on the server too (failed, or stored with
		// the answer lost); what is stored now is what the page must not send again.
		browser.waitUntil("the requests of the first page to end", () -> this.requests.inFlight() == 0);
		int reload = this.requests.count();
		Set<Integer> storedBefore = this.requests.stored(0, reload);
		assertThat(storedBefore).hasSizeBetween(totalChunks / 3, totalChunks - 1);
		assertThat(status(uploadId)).isEqualTo("uploading");

		browser.choose(By.id("flow-input"), file);
		WebElement resumed = completed(browser, "survey-export.bin");

		assertThat(resumed.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(resumed.getAttribute("data-md5")).isEqualTo(md5(content));
		assertThat(resumed.findElement(By.cssSelector(".transfer-md5 code")).getText()).isEqualTo(md5(content));
		assertStored(uploadId, content, "survey-export.bin");
		List<Exchange> after = this.requests.since(reload);
		Set<Integer> postedAfter = chunks(after, "POST", null);
		assertThat(postedAfter).as("chunks sent again after the reload").doesNotContainAnyElementsOf(storedBefore);
		Set<Integer> all = new TreeSet<>(storedBefore);
		all.addAll(postedAfter);
		assertThat(all).isEqualTo(IntStream.rangeClosed(1, totalChunks).boxed().collect(Collectors.toSet()));
		assertThat(chunks(after, "GET", 200)).as("test GETs that found the chunk stored").containsAll(storedBefore);
		assertThat(Integer.parseInt(resumed.getAttribute("data-resumed-chunks"))).isEqualTo(storedBefore.size());
		assertThat(Integer.parseInt(resumed.getAttribute("data-sent-chunks")))
			.isEqualTo(totalChunks - storedBefore.size());
		assertThat(CspViolations.of(browser)).isEmpty();
		// "My uploads" on the same page lists it as complete.
		WebElement row = browser.waitFor(By.cssSelector("#my-uploads-table tr[data-upload-id='" + uploadId + "']"));
		browser.waitUntil("the list to show the upload complete",
				() -> "complete"
					.equals(browser.waitFor(By.cssSelector("#my-uploads-table tr[data-upload-id='" + uploadId + "']"))
						.getAttribute("data-status")));
		assertThat(row.getText()).contains("survey-export.bin");
	}

	@Test
	void uploadWhenPausedThenNothingMoreIsSentAndResumeCompletesTheSameUpload(BrowserSession browser)
			throws IOException, InterruptedException {
		byte[] content = randomBytes(3 * 1024 * 1024 + 777, 22);
		Path file = Files.write(this.files.resolve("paused.bin"), content);
		openFlowPage(browser);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("flow-input"), file);
		WebElement transfer = transfer(browser, "paused.bin");
		browser.waitUntil("two chunks sent", UPLOAD_TIMEOUT, () -> transfer.getAttribute("data-sent-chunks") != null
				&& Integer.parseInt(transfer.getAttribute("data-sent-chunks")) >= 2);
		String uploadId = transfer.getAttribute("data-upload-id");
		transfer.findElement(By.cssSelector("button.pause")).click();
		assertThat(transfer.getAttribute("data-state")).isEqualTo("paused");
		assertThat(transfer.findElement(By.cssSelector("button.resume")).isDisplayed()).isTrue();
		browser.waitUntil("the chunks cut off by the pause to end", () -> this.requests.inFlight() == 0);
		int paused = this.requests.count();
		Thread.sleep(1000);
		assertThat(this.requests.count()).as("requests while paused").isEqualTo(paused);
		assertThat(status(uploadId)).isEqualTo("uploading");

		browser.online();
		transfer.findElement(By.cssSelector("button.resume")).click();
		completed(browser, "paused.bin");

		assertThat(transfer.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(transfer.getAttribute("data-md5")).isEqualTo(md5(content));
		assertStored(uploadId, content, "paused.bin");
	}

	@Test
	void uploadWhenCancelledThenTheServerDeletesWhatWasSent(BrowserSession browser) throws IOException {
		Path file = Files.write(this.files.resolve("cancelled.bin"), randomBytes(3 * 1024 * 1024, 23));
		openFlowPage(browser);
		browser.throttleUploads(1_000_000, Duration.ZERO);

		browser.choose(By.id("flow-input"), file);
		WebElement transfer = transfer(browser, "cancelled.bin");
		browser.waitUntil("the upload id of a first chunk", UPLOAD_TIMEOUT,
				() -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		transfer.findElement(By.cssSelector("button.cancel")).click();

		browser.waitUntil("the page to report the deletion",
				() -> transfer.findElement(By.cssSelector(".transfer-state")).getText().contains("deleted"));
		assertThat(transfer.getAttribute("data-state")).isEqualTo("cancelled");
		assertThat(status(uploadId)).isEqualTo("aborted");
	}

	private void openFlowPage(BrowserSession browser) {
		browser.login("alice", HttpTestClient.PASSWORD);
		browser.open("/flow");
		browser.waitFor(By.cssSelector("#flow-page[data-ready='true']"));
		assertThat(browser.text(By.id("flow-chunk-size"))).isEqualTo("256 KiB");
	}

	private String status(String uploadId) {
		Response upload = this.alice.get("/api/uploads/" + uploadId);
		assertThat(upload.status()).isEqualTo(200);
		return upload.json().get("status").asString();
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

	private static Set<Integer> chunks(List<Exchange> exchanges, String method, Integer status) {
		return exchanges.stream()
			.filter((exchange) -> exchange.method().equals(method))
			.filter((exchange) -> status == null || exchange.status() == status)
			.map(Exchange::chunk)
			.collect(Collectors.toCollection(TreeSet::new));
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

	/**
	 * One request to {@code /api/resumable} as the server answered it.
	 *
	 * @param method GET (the test request) or POST (a chunk)
	 * @param chunk the {@code flowChunkNumber} of the query string
	 * @param status the answer's status; -1 if the request ended with an exception (e.g.
	 * the browser hung up)
	 */
	record Exchange(String method, int chunk, int status) {

	}

	/** Records the requests to {@code /api/resumable}, in the order they end. */
	static class ResumableRequests implements Filter {

		private final List<Exchange> exchanges = new ArrayList<>();

		private final AtomicInteger inFlight = new AtomicInteger();

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			HttpServletRequest http = (HttpServletRequest) request;
			int chunk = chunkNumber(http.getQueryString());
			this.inFlight.incrementAndGet();
			int status = -1;
			try {
				chain.doFilter(request, response);
				status = ((HttpServletResponse) response).getStatus();
			}
			finally {
				synchronized (this.exchanges) {
					this.exchanges.add(new Exchange(http.getMethod(), chunk, status));
				}
				this.inFlight.decrementAndGet();
			}
		}

		/* The flow.js page sends raw chunks: every parameter is in the query string. */
		private static int chunkNumber(String query) {
			if (query != null) {
				for (String pair : query.split("&")) {
					if (pair.startsWith("flowChunkNumber=")) {
						return Integer.parseInt(URLDecoder.decode(pair.substring(16), StandardCharsets.UTF_8));
					}
				}
			}
			return 0;
		}

		int inFlight() {
			return this.inFlight.get();
		}

		int count() {
			synchronized (this.exchanges) {
				return this.exchanges.size();
			}
		}

		List<Exchange> since(int index) {
			synchronized (this.exchanges) {
				return List.copyOf(this.exchanges.subList(index, this.exchanges.size()));
			}
		}

		/** The chunks stored by POSTs answered 200 among the requests [from, to). */
		Set<Integer> stored(int from, int to) {
			synchronized (this.exchanges) {
				return chunks(this.exchanges.subList(from, to), "POST", 200);
			}
		}

		void clear() {
			synchronized (this.exchanges) {
				this.exchanges.clear();
			}
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RecordingConfiguration {

		@Bean
		ResumableRequests resumableRequests() {
			return new ResumableRequests();
		}

		@Bean
		FilterRegistrationBean<ResumableRequests> resumableRequestsFilter(ResumableRequests requests) {
			FilterRegistrationBean<ResumableRequests> registration = new FilterRegistrationBean<>(requests);
			registration.addUrlPatterns("/api/resumable");
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
