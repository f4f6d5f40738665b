package dev.chunkedupload;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.PostgresDatabase;
import dev.chunkedupload.testsupport.RawHttp;
import dev.chunkedupload.testsupport.S3Server;
import dev.chunkedupload.testsupport.SameChunkRace;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance on PostgreSQL and S3 killed with {@code kill -9} in the middle of a chunk,
 * after it had sent part of that chunk to the bucket: the upload stays at its last
 * acknowledged offset, and once the dead instance's lease lapses the next chunk to
 * another instance continues it. The killed instance is a JVM of its own, so nothing of
 * it runs on (no shutdown hook, no finally block, no rollback but the database's own).
 */
@Timeout(300)
class S3KilledInstanceIntegrationTests {

	private static final int MIB = 1024 * 1024;

	@TempDir
	Path directory;

	private Process killed;

	@AfterEach
	void stopChild() throws InterruptedException {
		if (this.killed != null) {
			this.killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void instanceWhenKilledMidChunkThenUploadStaysAtItsLastAcknowledgedOffsetAndAnotherInstanceContinuesIt()
			throws Exception {
		String bucket = "uploads-" + UUID.randomUUID().toString().substring(0, 8);
		try (S3Client s3 = S3Server.shared().client()) {
			s3.createBucket((request) -> request.bucket(bucket));
			String database = PostgresDatabase.newDatabase();
			int childPort = freePort();
			Path log = this.directory.resolve("child.log");
			this.killed = startChild(childPort, database, bucket, log);
			HttpTestClient onChild = new HttpTestClient(childPort, "alice");
			awaitHealth(onChild, log);
			try (ConfigurableApplicationContext other = start(database, bucket)) {
				HttpTestClient onOther = new HttpTestClient(TwoInstancesIntegrationTests.port(other), "alice");
				JdbcTemplate jdbc = other.getBean(JdbcTemplate.class);
				byte[] file = randomBytes(9 * MIB + 777, 81);
				int acknowledged = 3 * MIB;
				String first = "bytes 0-" + (acknowledged - 1) + "/" + file.length;
				Response chunk = onChild.rawChunk(null, first, Arrays.copyOf(file, acknowledged), "big.bin");
				assertThat(chunk.status()).as(chunk.text()).isEqualTo(200);
				String id = chunk.json().get("upload_id").asText();
				String key = jdbc.queryForObject("select storage_key from upload where upload_id = ?", String.class,
						id);

				int second = 4 * MIB;
				String range = "bytes " + acknowledged + "-" + (acknowledged + second - 1) + "/" + file.length;
				try (RawHttp dying = RawHttp.chunk(childPort, "alice", id, range, second)) {
					// 3 MiB staged before and 3 MiB more: a 5 MiB part goes to the
					// bucket.
					dying.send(file, acknowledged, 3 * MIB);
					SameChunkRace.awaitLease(jdbc, id, true);
					awaitUnrecordedPart(s3, bucket, key);
					this.killed.destroyForcibly();
					assertThat(this.killed.waitFor(20, TimeUnit.SECONDS)).isTrue();
					assertThat(this.killed.exitValue()).as("killed by SIGKILL").isEqualTo(137);
				}

				Response status = onOther.get("/api/chunked-upload/" + id);
				assertThat(status.json().get("offset").asLong()).isEqualTo(acknowledged);
				assertThat(jdbc.queryForObject("select lease_owner from upload where upload_id = ?", String.class, id))
					.as("the dead instance still holds the lease")
					.isNotNull();
				byte[] retried = Arrays.copyOfRange(file, acknowledged, acknowledged + second);
				Response resumed = sendUntilLeaseLapses(onOther, id, range, retried);
				assertThat(resumed.json().get("offset").asLong()).isEqualTo(acknowledged + second);
				String rest = "bytes " + (acknowledged + second) + "-" + (file.length - 1) + "/" + file.length;
				assertThat(
						onOther.rawChunk(id, rest, Arrays.copyOfRange(file, acknowledged + second, file.length), null)
							.status())
					.isEqualTo(200);
				Response completed = onOther.complete(id, md5(file));
				assertThat(completed.status()).as(completed.text()).isEqualTo(200);
				assertThat(onOther.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);

				// What the dead writer sent lies in a multipart upload no record knows,
				// which the sweep aborts once it is old enough.
				assertThat(multipartUploads(s3, bucket)).hasSize(1);
				assertThat(other.getBean(UploadStore.class).sweepOrphans(Instant.now().plusSeconds(60)))
					.isGreaterThanOrEqualTo(1);
				assertThat(multipartUploads(s3, bucket)).isEmpty();
				assertThat(s3.listObjectsV2((request) -> request.bucket(bucket)).contents()).extracting(S3Object::key)
					.containsExactly(key);
			}
			assertThat(this.directory.resolve("data")).isEmptyDirectory();
		}
	}

	/** Retry a chunk refused as busy until the dead holder's lease lapses (bounded). */
	private static Response sendUntilLeaseLapses(HttpTestClient client, String id, String range, byte[] bytes)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			Response answer = client.rawChunk(id, range, bytes, null);
			if (answer.status() != 409 || System.nanoTime() > deadline) {
				assertThat(answer.status()).as(answer.text()).isEqualTo(200);
				return answer;
			}
			assertThat(answer.json().get("type").asText()).isEqualTo("/problems/upload-busy");
			Thread.sleep(250);
		}
	}

	private static void awaitUnrecordedPart(S3Client s3, String bucket, String key) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			for (MultipartUpload upload : multipartUploads(s3, bucket)) {
				if (upload.key().equals(key)
						&& !s3.listParts((request) -> request.bucket(bucket).key(key).uploadId(upload.uploadId()))
							.parts()
							.isEmpty()) {
					return;
				}
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the dying instance never sent a part of " + key);
	}

	private static List<MultipartUpload> multipartUploads(S3Client s3, String bucket) {
		return s3.listMultipartUploads((request) -> request.bucket(bucket)).uploads();
	}

	private Process startChild(int port, String database, String bucket, Path log) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
				"--add-opens=java.base/sun.security.provider=ALL-UNNAMED", "-Daws.accessKeyId=" + S3Server.ACCESS_KEY,
				"-Daws.secretAccessKey=" + S3Server.SECRET_KEY, "-cp", System.getProperty("java.class.path"),
				Application.class.getName(), "--server.port=" + port, "--spring.main.banner-mode=off"));
		command.addAll(arguments(database, bucket));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private ConfigurableApplicationContext start(String database, String bucket) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0"));
		arguments.addAll(arguments(database, bucket));
		System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
		System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
		return new SpringApplicationBuilder(Application.class).run(arguments.toArray(String[]::new));
	}

	/**
	 * What both instances share; a short lease, so the test waits seconds, not a minute.
	 */
	private List<String> arguments(String database, String bucket) {
		try {
			return List.of("--server.address=127.0.0.1", "--spring.jmx.enabled=false",
					"--chunked-upload.data-dir=" + Files.createDirectories(this.directory.resolve("data")),
					"--spring.datasource.url=" + database, "--spring.datasource.username=" + PostgresDatabase.USERNAME,
					"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD,
					"--chunked-upload.lease-duration=3s", "--chunked-upload.storage.type=s3",
					"--chunked-upload.storage.s3.bucket=" + bucket,
					"--chunked-upload.storage.s3.endpoint=" + S3Server.shared().endpoint(),
					"--chunked-upload.storage.s3.path-style-access=true", "--chunked-upload.storage.s3.part-size=5MB");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void awaitHealth(HttpTestClient client, Path log) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(this.killed.isAlive()).as("the instance died: %s", Files.readString(log)).isTrue();
			try {
				if (client.get("/actuator/health").status() == 200) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("the instance did not start: " + Files.readString(log));
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
