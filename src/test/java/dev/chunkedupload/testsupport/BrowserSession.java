package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * One headless Chromium driven by Selenium, with what the end-to-end tests need: pages
 * relative to a server, login and logout through the form, bounded waits that say what
 * they waited for, the network taken offline or slowed down (Chrome DevTools
 * {@code Network.emulateNetworkConditions}), and screenshots.
 * <p>
 * Every wait is bounded: {@link #DEFAULT_TIMEOUT} unless a test gives its own.
 */
public final class BrowserSession implements AutoCloseable {

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

	private static final Duration POLL = Duration.ofMillis(50);

	private final ChromeDriver driver;

	private final Path profile;

	private String baseUrl;

	BrowserSession(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
		this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		this.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
	}

	public ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * Where the browser keeps its profile; downloads go to {@code downloads} below it.
	 */
	public Path profile() {
		return this.profile;
	}

	/**
	 * The server that relative paths go to, e.g. {@code http://127.0.0.1:8080}.
	 * @param baseUrl scheme, host and port
	 * @return this session
	 */
	public BrowserSession baseUrl(String baseUrl) {
		this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
		return this;
	}

	public BrowserSession port(int port) {
		return baseUrl("http://127.0.0.1:" + port);
	}

	public String baseUrl() {
		if (this.baseUrl == null) {
			throw new IllegalStateException("No server: call baseUrl(...) or port(...) first");
		}
		return this.baseUrl;
	}

	/** Open a page of the server and wait for it to load. */
	public BrowserSession open(String path) {
		this.driver.get(baseUrl() + path);
		return this;
	}

	public String path() {
		String url = this.driver.getCurrentUrl();
		return url.startsWith(baseUrl()) ? url.substring(baseUrl().length()) : url;
	}

	/**
	 * Log in through the login form and wait until the browser has left it.
	 * @param user the user name
	 * @param password the password
	 * @return this session
	 */
	public BrowserSession login(String user, String password) {
		open("/login");
		submitLogin(user, password);
		waitUntil("the login page to be left after logging in as " + user,
				() -> !this.driver.getCurrentUrl().contains("/login"));
		return this;
	}

	/** Fill the login form that is shown and submit it, without waiting. */
	public void submitLogin(String user, String password) {
		WebElement username = waitFor(By.id("username"));
		username.clear();
		username.sendKeys(user);
		WebElement field = this.driver.findElement(By.id("password"));
		field.clear();
		field.sendKeys(password);
		this.driver.findElement(By.id("login-submit")).click();
	}

	/** Press the logout button of the navigation bar and wait for the login page. */
	public BrowserSession logout() {
		waitFor(By.id("logout")).click();
		waitUntil("the login page after logging out", () -> this.driver.getCurrentUrl().contains("/login?logout"));
		return this;
	}

	/** The element, once it is in the page (at most {@link #DEFAULT_TIMEOUT}). */
	public WebElement waitFor(By locator) {
		return waitFor(locator, DEFAULT_TIMEOUT);
	}

	public WebElement waitFor(By locator, Duration timeout) {
		WebElement[] found = new WebElement[1];
		waitUntil("an element " + locator, timeout, () -> {
			List<WebElement> elements = this.driver.findElements(locator);
			found[0] = elements.isEmpty() ? null : elements.get(0);
			return found[0] != null;
		});
		return found[0];
	}

	public void waitUntil(String what, Supplier<Boolean> condition) {
		waitUntil(what, DEFAULT_TIMEOUT, condition);
	}

	/**
	 * Poll until the condition holds; a stale or missing element counts as "not yet".
	 * @param what what is waited for, for the failure message
	 * @param timeout the longest wait
	 * @param condition the condition
	 * @throws AssertionError after the timeout, naming what was waited for and the page's
	 * transfers and notices
	 */
	public void waitUntil(String what, Duration timeout, Supplier<Boolean> condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		RuntimeException last = null;
		while (true) {
			try {
				if (Boolean.TRUE.equals(condition.get())) {
					return;
				}
				last = null;
			}
			catch (StaleElementReferenceException | NoSuchElementException ex) {
				last = ex;
			}
			if (System.nanoTime() > deadline) {
				AssertionError error = new AssertionError(
						"Waited " + timeout.toMillis() + " ms for " + what + "; page " + safePath() + describePage());
				if (last != null) {
					error.addSuppressed(last);
				}
				throw error;
			}
			sleep(POLL);
		}
	}

	/** Choose files in a file input (Selenium types the paths, one per line). */
	public void choose(By input, Path... files) {
		String paths = Stream.of(files)
			.map((file) -> file.toAbsolutePath().toString())
			.collect(Collectors.joining("\n"));
		waitFor(input).sendKeys(paths);
	}

	public Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(script, arguments);
	}

	public String text(By locator) {
		return waitFor(locator).getText();
	}

	/** Take the browser offline: requests fail as with no network at all. */
	public void offline() {
		networkConditions(true, -1, 0);
	}

	/** Back online at full speed. */
	public void online() {
		networkConditions(false, -1, 0);
	}

	/**
	 * Slow the browser's uploads down, so a test can act in the middle of one.
	 * @param bytesPerSecond upload rate; downloads are not limited
	 * @param latency extra round-trip time
	 */
	public void throttleUploads(long bytesPerSecond, Duration latency) {
		networkConditions(false, bytesPerSecond, latency.toMillis());
	}

	private void networkConditions(boolean offline, long uploadBytesPerSecond, long latencyMillis) {
		this.driver.executeCdpCommand("Network.enable", Map.of());
		Map<String, Object> conditions = new HashMap<>();
		conditions.put("offline", offline);
		conditions.put("latency", latencyMillis);
		conditions.put("downloadThroughput", -1);
		conditions.put("uploadThroughput", uploadBytesPerSecond);
		this.driver.executeCdpCommand("Network.emulateNetworkConditions", conditions);
	}

	/**
	 * Render the page as a device of this size (CSS pixels) until changed again.
	 * @param width the viewport width
	 * @param height the viewport height
	 * @param scale device pixels per CSS pixel
	 * @param mobile whether to render as a phone does (viewport meta tag, overlay
	 * scrollbars)
	 */
	public void viewport(int width, int height, double scale, boolean mobile) {
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", width, "height", height, "deviceScaleFactor", scale, "mobile", mobile));
	}

	/** A PNG of the whole page, also below the fold. */
	public void screenshot(Path file) {
		Map<String, Object> result = this.driver.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true));
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.write(file, Base64.getDecoder().decode((String) result.get("data")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Save a screenshot and the HTML of the page, for a test that failed. */
	public void saveForDiagnosis(Path directory, String name) {
		try {
			Files.createDirectories(directory);
			screenshot(directory.resolve(name + ".png"));
			Files.writeString(directory.resolve(name + ".html"), this.driver.getPageSource());
		}
		catch (IOException | WebDriverException ex) {
			// The browser may be what failed; the test's own error says more.
		}
	}

	private String safePath() {
		try {
			return this.driver.getCurrentUrl();
		}
		catch (WebDriverException ex) {
			return "(unknown: " + ex.getClass().getSimpleName() + ")";
		}
	}

	/** The visible state of upload rows and notices, to make a timeout readable. */
	private String describePage() {
		try {
			Object text = script(
					"""
							var parts = [];
							document.querySelectorAll('.transfer').forEach(function (t) {
							  parts.push('transfer ' + t.getAttribute('data-name') + ' [' + t.getAttribute('data-state') + '] '
							    + (t.querySelector('.transfer-state') || {}).textContent);
							});
							document.querySelectorAll('.notice').forEach(function (n) { parts.push('notice: ' + n.textContent.trim()); });
							return parts.join('\\n');""");
			return (text == null || text.toString().isEmpty()) ? "" : "\n" + text;
		}
		catch (WebDriverException ex) {
			return "";
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			deleteQuietly(this.profile);
		}
	}

	static void deleteQuietly(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// A temporary directory; the OS cleans up what is left.
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting", ex);
		}
	}

}
