package dev.chunkedupload.security;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.Application;
import dev.chunkedupload.testsupport.HttpTestClient;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server started without configured users creates {@code admin} once, logs its password
 * once, and that password works.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstStartIntegrationTests {

	private static final Pattern PASSWORD = Pattern.compile("created user 'admin' with password '([^']+)'");

	@TempDir
	Path dataDir;

	@Test
	void startWhenNoUsersConfiguredThenAdminCreatedAndPasswordLoggedOnce(CapturedOutput output) {
		String password;
		try (ConfigurableApplicationContext context = start()) {
			Matcher matcher = PASSWORD.matcher(output.getOut());
			assertThat(matcher.find()).as("password logged").isTrue();
			password = matcher.group(1);
			assertThat(password).hasSizeGreaterThanOrEqualTo(20);
			int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
			assertThat(new BasicClient(port, password).get("/api/uploads?all=true").status()).isEqualTo(200);
			assertThat(new BasicClient(port, "wrong").get("/api/uploads").status()).isEqualTo(401);
		}
		int logged = countMatches(output.getOut());
		try (ConfigurableApplicationContext context = start()) {
			assertThat(countMatches(output.getOut())).isEqualTo(logged);
			int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
			assertThat(new BasicClient(port, password).get("/api/uploads").status()).isEqualTo(200);
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir,
				"--spring.datasource.url=jdbc:h2:file:" + this.dataDir.resolve("db/first"));
	}

	private static int countMatches(String text) {
		Matcher matcher = PASSWORD.matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	/** Basic as admin with a given password. */
	private static final class BasicClient {

		private final HttpTestClient client;

		private final String password;

		BasicClient(int port, String password) {
			this.client = new HttpTestClient(port, null);
			this.password = password;
		}

		HttpTestClient.Response get(String path) {
			return this.client.send(this.client.request(path)
				.header("Authorization", "Basic " + java.util.Base64.getEncoder()
					.encodeToString(("admin:" + this.password).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
		}

	}

}
