package dev.chunkedupload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application stopped and started again on the same data directory and database: an
 * upload continues where it stood, and its MD5, carried in the database, is right without
 * the file being read again.
 */
class RestartIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void uploadWhenApplicationRestartsMidwayThenResumesAndCompletesWithCarriedMd5() throws Exception {
		byte[] file = randomBytes(3_000_000, 21);
		String id;
		try (ConfigurableApplicationContext first = start()) {
			HttpTestClient alice = client(first);
			Response response = alice.multipartChunk(null, "bytes 0-999999/3000000",
					Arrays.copyOfRange(file, 0, 1_000_000), "big.bin");
			id = response.json().get("upload_id").asString();
			assertThat(alice
				.rawChunk(id, "bytes 1000000-1999999/3000000", Arrays.copyOfRange(file, 1_000_000, 2_000_000), null)
				.status()).isEqualTo(200);
		}
		try (ConfigurableApplicationContext second = start()) {
			HttpTestClient alice = client(second);
			Response status = alice.get("/api/chunked-upload/" + id);
			assertThat(status.status()).isEqualTo(200);
			assertThat(status.json().get("offset").asLong()).isEqualTo(2_000_000);
			assertThat(alice
				.rawChunk(id, "bytes 2000000-2999999/3000000", Arrays.copyOfRange(file, 2_000_000, 3_000_000), null)
				.status()).isEqualTo(200);

			// Flip a byte the server acknowledged long ago, keeping the size: a
			// completion that re-read the file would now compute a different MD5.
			Path part = ServerTestSupport.storedFiles(this.dataDir)
				.stream()
				.filter((path) -> path.getFileName().toString().equals(id + ".part"))
				.findFirst()
				.orElseThrow();
			try (var channel = Files.newByteChannel(part, StandardOpenOption.WRITE)) {
				channel.position(10);
				channel.write(java.nio.ByteBuffer.wrap(new byte[] { (byte) ~file[10] }));
			}
			Response complete = alice.complete(id, md5(file));
			assertThat(complete.status()).isEqualTo(200);
			assertThat(complete.json().get("md5").asString()).isEqualTo(md5(file));
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir,
				"--spring.datasource.url=jdbc:h2:file:" + this.dataDir.resolve("db/restart"),
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD);
	}

	private static HttpTestClient client(ConfigurableApplicationContext context) {
		return new HttpTestClient(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")),
				"alice");
	}

}
