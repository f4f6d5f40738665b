package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and chromedriver, started headless for end-to-end tests. Selenium is
 * pointed at both binaries, so Selenium Manager never downloads anything. The locations
 * can be changed with the system properties {@code e2e.chromium} and
 * {@code e2e.chromedriver}.
 */
public final class Chromium {

	public static final String INSTALL_HINT = "apt-get install -y chromium chromium-driver";

	/** Set to {@code true} to fail instead of skipping when Chromium is missing. */
	public static final String REQUIRED_PROPERTY = "e2e.required";

	static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage", "--no-proxy-server", "--window-size=1280,900");

	private Chromium() {
	}

	public static Path browser() {
		return Path.of(System.getProperty("e2e.chromium", "/usr/bin/chromium"));
	}

	public static Path driver() {
		return Path.of(System.getProperty("e2e.chromedriver", "/usr/bin/chromedriver"));
	}

	public static boolean installed() {
		return Files.isExecutable(browser()) && Files.isExecutable(driver());
	}

	public static boolean required() {
		return Boolean.getBoolean(REQUIRED_PROPERTY);
	}

	/** Why the browser tests cannot run, and how to make them. */
	public static String missing() {
		return "Chromium or chromedriver not found (" + browser() + ", " + driver() + "); install them with '"
				+ INSTALL_HINT + "'";
	}

	/**
	 * A new headless Chromium with an empty profile of its own.
	 * @return the session; close it to quit the browser and delete the profile
	 */
	public static BrowserSession start() {
		if (!installed()) {
			throw new IllegalStateException(missing());
		}
		Path profile;
		try {
			profile = Files.createTempDirectory("chromium-profile");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(browser().toFile());
		options.addArguments(FLAGS);
		options.addArguments("--user-data-dir=" + profile);
		// A reload while uploads run asks "leave the page?"; a person would say yes.
		options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.ACCEPT);
		options.setExperimentalOption("prefs", Map.of("download.default_directory",
				profile.resolve("downloads").toString(), "download.prompt_for_download", false));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver().toFile())
			.usingAnyFreePort()
			.withTimeout(Duration.ofSeconds(30))
			.build();
		try {
			return new BrowserSession(new ChromeDriver(service, options), profile);
		}
		catch (RuntimeException ex) {
			BrowserSession.deleteQuietly(profile);
			throw ex;
		}
	}

}
