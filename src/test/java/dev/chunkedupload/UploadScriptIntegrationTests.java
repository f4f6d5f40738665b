package dev.chunkedupload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import dev.chunkedupload.testsupport.HttpTestClient;
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
 * {@code scripts/upload.sh}, the curl client, against a real server: a whole upload, and
 * one killed half way and run again, which must continue the same upload.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class UploadScriptIntegrationTests {

	private static final Path SCRIPT = Path.of("scripts/upload.sh").toAbsolutePath();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@TempDir
	Path work;

	@Test
	void scriptWhenFileGivenThenUploadsInChunksAndCompletesWithItsMd5() throws Exception {
		byte[] content = randomBytes(3_000_000, 61);
		Path file = Files.write(this.work.resolve("whole file.bin"), content);
		Process script = script(file, "512K").start();
		assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String out = new String(script.getInputStream().readAllBytes());
		assertThat(script.exitValue()).as(new String(script.getErrorStream().readAllBytes())).isZero();
		assertThat(out).contains("\"md5\":\"" + md5(content) + "\"").contains("\"status\":\"complete\"");
		JsonNode upload = uploadNamed("whole file.bin");
		assertThat(upload.get("status").asString()).isEqualTo("complete");
		assertThat(new HttpTestClient(this.port, "alice")
			.get("/api/uploads/" + upload.get("upload_id").asString() + "/content")
			.bytes()).isEqualTo(content);
	}

	@Test
	void scriptWhenKilledHalfWayAndRunAgainThenResumesTheSameUpload() throws Exception {
		byte[] content = randomBytes(16_000_000, 62);
		Path file = Files.write(this.work.resolve("resume.bin"), content);
		Process first = script(file, "128K").start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		JsonNode upload = null;
		while (System.nanoTime() < deadline) {
			upload = uploadNamedOrNull("resume.bin");
			if (upload != null && upload.get("offset").asLong() >= 1_000_000) {
				break;
			}
			Thread.sleep(10);
		}
		first.descendants().forEach(ProcessHandle::destroyForcibly);
		first.destroyForcibly();
		assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(upload).isNotNull();
		long offsetAtKill = upload.get("offset").asLong();
		assertThat(offsetAtKill).isBetween(1_000_000L, 15_000_000L);
		assertThat(upload.get("status").asString()).isEqualTo("uploading");

		Process second = script(file, "128K").start();
		assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String errors = new String(second.getErrorStream().readAllBytes());
		assertThat(second.exitValue()).as(errors).isZero();
		JsonNode done = uploadNamed("resume.bin");
		assertThat(done.get("upload_id").asString()).isEqualTo(upload.get("upload_id").asString());
		assertThat(done.get("status").asString()).isEqualTo("complete");
		assertThat(done.get("md5").asString()).isEqualTo(md5(content));
	}

	@Test
	void scriptWhenTokenGivenThenUploadsAsItsOwnerAndARevokedTokenStopsIt() throws Exception {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		JsonNode created = alice
			.send(alice.request("/api/tokens")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"upload.sh\"}")))
			.json();
		String token = created.get("token").asString();
		byte[] content = randomBytes(1_000_000, 63);
		Path file = Files.write(this.work.resolve("by token.bin"), content);

		ProcessBuilder withOption = script(file, "256K", List.of("-t", token));
		withOption.environment().remove("CHUNKED_UPLOAD_USER");
		withOption.environment().remove("CHUNKED_UPLOAD_PASSWORD");
		Process first = withOption.start();
		assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(first.exitValue()).as(new String(first.getErrorStream().readAllBytes())).isZero();
		assertThat(uploadNamed("by token.bin").get("md5").asString()).isEqualTo(md5(content));
		assertThat(uploadNamed("by token.bin").get("owner").asString()).isEqualTo("alice");

		Path second = Files.write(this.work.resolve("by env.bin"), randomBytes(300_000, 64));
		ProcessBuilder withEnvironment = script(second, "128K", List.of());
		withEnvironment.environment().remove("CHUNKED_UPLOAD_USER");
		withEnvironment.environment().remove("CHUNKED_UPLOAD_PASSWORD");
		withEnvironment.environment().put("CHUNKED_UPLOAD_TOKEN", token);
		Process viaEnvironment = withEnvironment.start();
		assertThat(viaEnvironment.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(viaEnvironment.exitValue()).as(new String(viaEnvironment.getErrorStream().readAllBytes())).isZero();
		assertThat(uploadNamed("by env.bin").get("status").asString()).isEqualTo("complete");

		assertThat(alice.delete("/api/tokens/" + created.get("id").asString()).status()).isEqualTo(204);
		Path third = Files.write(this.work.resolve("revoked.bin"), randomBytes(1000, 65));
		ProcessBuilder revokedBuilder = script(third, "128K", List.of("-t", token));
		revokedBuilder.environment().remove("CHUNKED_UPLOAD_USER");
		revokedBuilder.environment().remove("CHUNKED_UPLOAD_PASSWORD");
		Process refused = revokedBuilder.start();
		assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(refused.exitValue()).isEqualTo(1);
		assertThat(new String(refused.getErrorStream().readAllBytes())).contains("HTTP 401");
		assertThat(uploadNamedOrNull("revoked.bin")).isNull();
	}

	private ProcessBuilder script(Path file, String chunkSize) {
		return script(file, chunkSize, List.of());
	}

	private ProcessBuilder script(Path file, String chunkSize, List<String> options) {
		List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "-U", "http://127.0.0.1:" + this.port,
				"-c", chunkSize, "-S", this.work.resolve("state").toString(), "-r", "3", "-q"));
		command.addAll(options);
		command.add(file.toString());
		ProcessBuilder builder = new ProcessBuilder(command);
		Map<String, String> environment = builder.environment();
		environment.put("CHUNKED_UPLOAD_USER", "alice");
		environment.put("CHUNKED_UPLOAD_PASSWORD", HttpTestClient.PASSWORD);
		return builder;
	}

	private JsonNode uploadNamed(String name) throws IOException {
		JsonNode upload = uploadNamedOrNull(name);
		assertThat(upload).as("an upload named %s", name).isNotNull();
		return upload;
	}

	private JsonNode uploadNamedOrNull(String name) {
		JsonNode found = null;
		for (JsonNode upload : new HttpTestClient(this.port, "alice").get("/api/uploads").json()) {
			if (upload.get("filename").asString().equals(name)) {
				assertThat(found).as("one upload named %s", name).isNull();
				found = upload;
			}
		}
		return found;
	}

}
