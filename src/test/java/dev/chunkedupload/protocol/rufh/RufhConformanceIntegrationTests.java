package dev.chunkedupload.protocol.rufh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus-java-server's RUFH conformity suite ({@code scripts/rufh/rufh_conformity_test.py},
 * pytest, adapted as docs/rufh.md lists) against this server on a loopback port, as one
 * user with HTTP Basic. It fails when pytest reports a failure or does not end in time.
 * <p>
 * The limits are small so that the suite's limit tests run rather than skip: it sends
 * {@code max-size + 1} and {@code max-append-size + 1} bytes over a plain socket only
 * when those are at most 10 MiB.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		"chunked-upload.max-bytes=1MB", "chunked-upload.max-chunk-size=64KB" })
class RufhConformanceIntegrationTests {

	private static final Path SCRIPT = Path.of("scripts/rufh/rufh_conformity_test.py").toAbsolutePath();

	/** The suite takes a few seconds; this bounds a server that stops answering. */
	private static final long TIMEOUT_SECONDS = 180;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@TempDir
	Path work;

	@Test
	void conformitySuiteWhenRunAgainstTheServerThenEveryTestPasses() throws IOException, InterruptedException {
		Path output = this.work.resolve("pytest.log");
		// No cache directory in the source tree; no plugins from the machine's
		// environment.
		ProcessBuilder builder = new ProcessBuilder(
				List.of("python3", "-m", "pytest", SCRIPT.toString(), "-v", "-p", "no:cacheprovider", "--rootdir",
						SCRIPT.getParent().toString(), "--url", "http://127.0.0.1:" + this.port + Rufh.PATH))
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		builder.environment().put("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1");
		builder.environment()
			.put("RUFH_AUTHORIZATION", "Basic " + Base64.getEncoder()
				.encodeToString(("alice:" + HttpTestClient.PASSWORD).getBytes(StandardCharsets.UTF_8)));
		Process pytest = builder.start();
		boolean ended = pytest.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (!ended) {
			pytest.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		String log = Files.readString(output);
		assertThat(ended).as("pytest ended within %d s:%n%s", TIMEOUT_SECONDS, log).isTrue();
		assertThat(pytest.exitValue()).as("pytest's exit status:%n%s", log).isZero();
		// A suite that collected nothing also exits 0 with nothing run: count the passes.
		assertThat(log).as(log).containsPattern("\\b\\d{2} passed");
	}

}
