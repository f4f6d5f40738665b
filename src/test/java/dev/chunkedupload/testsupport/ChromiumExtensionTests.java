package dev.chunkedupload.testsupport;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What {@link EndToEnd} does when Chromium is missing: skip with the install command, or
 * fail when the build says browser tests are required.
 */
class ChromiumExtensionTests {

	@Test
	void endToEndClassWhenChromiumMissingThenSkippedWithTheInstallCommand() {
		Events classes = runWith(Map.of("e2e.chromium", "/nonexistent/chromium", Chromium.REQUIRED_PROPERTY, "false"));

		assertThat(classes.skipped().count()).isEqualTo(1);
		assertThat(classes.skipped().list().get(0).getPayload(String.class).orElseThrow())
			.contains("apt-get install -y chromium chromium-driver")
			.contains("-De2e.required=true");
		assertThat(classes.failed().count()).isZero();
	}

	@Test
	void endToEndClassWhenChromiumMissingAndRequiredThenFails() {
		Events classes = runWith(
				Map.of("e2e.chromedriver", "/nonexistent/chromedriver", Chromium.REQUIRED_PROPERTY, "true"));

		assertThat(classes.skipped().count()).isZero();
		assertThat(classes.failed().count()).isEqualTo(1);
		assertThat(classes.failed()
			.list()
			.get(0)
			.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
			.getThrowable()
			.orElseThrow()).hasMessageContaining("apt-get install -y chromium chromium-driver")
			.hasMessageContaining("required");
	}

	@Test
	void endToEndClassWhenChromiumInstalledThenEachTestGetsABrowser() {
		Events tests = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(Sample.class))
			.execute()
			.testEvents();
		if (Chromium.installed()) {
			assertThat(tests.succeeded().count()).isEqualTo(1);
		}
		else {
			assertThat(tests.started().count()).isZero();
		}
	}

	/** Run {@link Sample} with these system properties, then put the old ones back. */
	private static Events runWith(Map<String, String> properties) {
		Map<String, String> saved = new HashMap<>();
		// Not the build's own browser tests being skipped: no warning on the console.
		boolean warned = ChromiumExtension.warned.getAndSet(true);
		properties.forEach((key, value) -> {
			saved.put(key, System.getProperty(key));
			System.setProperty(key, value);
		});
		try {
			// Containers: the engine and the class; only the class can be skipped or
			// fail.
			return EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(Sample.class))
				.execute()
				.containerEvents();
		}
		finally {
			ChromiumExtension.warned.set(warned);
			saved.forEach((key, value) -> {
				if (value == null) {
					System.clearProperty(key);
				}
				else {
					System.setProperty(key, value);
				}
			});
		}
	}

	@EndToEnd
	static class Sample {

		@Test
		void browser(BrowserSession browser) {
			browser.driver().get("data:text/html,<p id=x>ok</p>");
			assertThat(browser.text(org.openqa.selenium.By.id("x"))).isEqualTo("ok");
		}

	}

}
