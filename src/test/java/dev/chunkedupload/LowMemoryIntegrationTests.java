package dev.chunkedupload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application in its own JVM with a 64 MiB heap takes 256 MiB chunks, raw and
 * multipart: proof that no chunk is held in memory.
 */
class LowMemoryIntegrationTests {

	private static final long CHUNK = 256L * 1024 * 1024;

	@TempDir
	Path dataDir;

	private Process server;

	private Path log;

	private HttpTestClient alice;

	@BeforeEach
	void startServer() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.log = this.dataDir.resolve("server.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.server = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
				"--add-opens=java.base/sun.security.provider=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
				Application.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir,
				"--spring.datasource.url=jdbc:h2:file:" + this.dataDir.resolve("db/lowmem"),
				"--chunked-upload.max-chunk-size=300MB", "--spring.main.banner-mode=off",
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD))
			.redirectErrorStream(true)
			.redirectOutput(this.log.toFile())
			.start();
		this.alice = new HttpTestClient(port, "alice");
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(this.server.isAlive()).as("server died: %s", Files.readString(this.log)).isTrue();
			try {
				if (this.alice.get("/actuator/health").status() == 200) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("server did not start: " + Files.readString(this.log));
	}

	@AfterEach
	void stopServer() throws InterruptedException {
		this.server.destroy();
		if (!this.server.waitFor(20, TimeUnit.SECONDS)) {
			this.server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void chunkWhen256MiBRawBodyAnd64MiBHeapThenStoredWithRightMd5() throws Exception {
		HttpRequest.Builder request = this.alice.request("/api/chunked-upload")
			.header("Content-Type", "application/octet-stream")
			.header("Content-Range", "bytes 0-" + (CHUNK - 1) + "/" + CHUNK)
			.POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new GeneratedStream(CHUNK, 1)),
					CHUNK));
		Response response = this.alice.send(request);
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertThat(response.json().get("offset").asLong()).isEqualTo(CHUNK);
		assertCompletes(response.json().get("upload_id").asString(), expectedMd5(CHUNK, 1));
	}

	@Test
	void chunkWhen256MiBMultipartAnd64MiBHeapThenStoredWithRightMd5() throws Exception {
		String boundary = "lowmemoryboundary";
		byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
				+ "Content-Type: application/octet-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
		long length = head.length + CHUNK + tail.length;
		HttpRequest.Builder request = this.alice.request("/api/chunked-upload")
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.header("Content-Range", "bytes 0-" + (CHUNK - 1) + "/" + CHUNK)
			.POST(BodyPublishers.fromPublisher(
					BodyPublishers.ofInputStream(() -> new SequenceInputStream(new ByteArrayInputStream(head),
							new SequenceInputStream(new GeneratedStream(CHUNK, 2), new ByteArrayInputStream(tail)))),
					length));
		Response response = this.alice.send(request);
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertCompletes(response.json().get("upload_id").asString(), expectedMd5(CHUNK, 2));
	}

	private void assertCompletes(String id, String md5) throws IOException {
		Response complete = this.alice.complete(id, md5);
		assertThat(complete.status()).as(complete.text()).isEqualTo(200);
		assertThat(complete.json().get("size").asLong()).isEqualTo(CHUNK);
		assertThat(this.server.isAlive()).isTrue();
		assertThat(Files.readString(this.log)).doesNotContain("OutOfMemoryError")
			.contains("Hashing uploads with the JDK's MD5");
	}

	private static String expectedMd5(long length, long seed) throws Exception {
		MessageDigest md5 = MessageDigest.getInstance("MD5");
		try (InputStream in = new GeneratedStream(length, seed)) {
			byte[] buffer = new byte[1 << 16];
			int n;
			while ((n = in.read(buffer)) > 0) {
				md5.update(buffer, 0, n);
			}
		}
		return HexFormat.of().formatHex(md5.digest());
	}

	/**
	 * Pseudo-random bytes made on the fly, so the test JVM holds no 256 MiB array either.
	 */
	private static final class GeneratedStream extends InputStream {

		private final Random random;

		private long remaining;

		GeneratedStream(long length, long seed) {
			this.random = new Random(seed);
			this.remaining = length;
		}

		@Override
		public int read() {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.remaining == 0) {
				return -1;
			}
			int n = (int) Math.min(Math.min(length, this.remaining), 1 << 16);
			for (int i = 0; i < n; i++) {
				buffer[offset + i] = (byte) this.random.nextInt(256);
			}
			this.remaining -= n;
			return n;
		}

	}

}
