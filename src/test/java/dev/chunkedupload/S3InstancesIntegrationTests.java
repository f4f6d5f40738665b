package dev.chunkedupload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.PostgresDatabase;
import dev.chunkedupload.testsupport.S3Server;
import dev.chunkedupload.testsupport.SameChunkRace;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The server on the S3 store as it runs in production: two instances sharing one
 * PostgreSQL and one bucket (an S3 server in the test JVM), credentials from the AWS
 * SDK's default chain, nothing of an upload on the instances' disks.
 */
class S3InstancesIntegrationTests {

	private static final int PART = 5 * 1024 * 1024;

	@TempDir
	Path dataDir;

	@BeforeAll
	static void credentials() {
		// The SDK's default chain reads these, as it would read the environment of a pod.
		System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
		System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
	}

	@Test
	void chunksWhenTheyAlternateBetweenInstancesThenOneObjectWithTheRightBytesAndNothingOnDisk() throws Exception {
		String bucket = newBucket();
		String database = PostgresDatabase.newDatabase();
		try (ConfigurableApplicationContext one = start(database, bucket);
				ConfigurableApplicationContext two = start(database, bucket)) {
			HttpTestClient first = new HttpTestClient(TwoInstancesIntegrationTests.port(one), "alice");
			HttpTestClient second = new HttpTestClient(TwoInstancesIntegrationTests.port(two), "alice");
			// Chunks of 3 MiB, so parts (5 MiB) and the staged tail cross chunk and
			// instance
			// boundaries.
			byte[] file = randomBytes(4 * PART + 12_345, 61);
			int chunk = 3 * 1024 * 1024;
			String id = null;
			for (int offset = 0, n = 0; offset < file.length; offset += chunk, n++) {
				int end = Math.min(file.length, offset + chunk);
				byte[] bytes = Arrays.copyOfRange(file, offset, end);
				HttpTestClient client = (n % 2 == 0) ? first : second;
				Response answer = client.rawChunk(id, "bytes " + offset + "-" + (end - 1) + "/" + file.length, bytes,
						"big.bin");
				assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
				id = answer.json().get("upload_id").asText();
			}
			String uploadId = id;
			Response completed = second.complete(uploadId, md5(file));
			assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
			assertThat(first.get("/api/uploads/" + uploadId + "/content").bytes()).isEqualTo(file);
			assertThat(second.get("/api/uploads/" + uploadId + "/content").bytes()).isEqualTo(file);
			try (S3Client client = S3Server.shared().client()) {
				assertThat(client.listObjectsV2((request) -> request.bucket(bucket)).contents())
					.extracting(S3Object::key)
					.singleElement()
					.satisfies((key) -> assertThat(key).startsWith("uploads/").endsWith(uploadId));
			}
			assertThat(this.dataDir).isEmptyDirectory();
		}
	}

	@Test
	void sameChunkWhenSentToTwoInstancesOnS3ThenExactlyOneWinsAndObjectIsRight() throws Exception {
		String bucket = newBucket();
		try (ConfigurableApplicationContext one = start(PostgresDatabase.newDatabase(), bucket)) {
			String database = one.getEnvironment().getRequiredProperty("spring.datasource.url");
			try (ConfigurableApplicationContext two = start(database, bucket)) {
				SameChunkRace.run(TwoInstancesIntegrationTests.port(one), TwoInstancesIntegrationTests.port(two),
						one.getBean(JdbcTemplate.class));
			}
		}
	}

	@Test
	void chunkWhenTheS3ServerIsDownThen503WithRetryAfterInEachProtocolsShapeAndNothingRecorded() throws Exception {
		S3Server s3 = S3Server.start();
		String bucket = "uploads-down";
		try (S3Client client = s3.client()) {
			client.createBucket((request) -> request.bucket(bucket));
		}
		try (ConfigurableApplicationContext app = start(PostgresDatabase.newDatabase(), bucket, s3)) {
			HttpTestClient alice = new HttpTestClient(TwoInstancesIntegrationTests.port(app), "alice");
			byte[] file = randomBytes(2_000_000, 62);
			Response first = alice.rawChunk(null, "bytes 0-999999/2000000", Arrays.copyOf(file, 1_000_000), "f.bin");
			assertThat(first.status()).as(first.toString()).isEqualTo(200);
			String id = first.json().get("upload_id").asText();
			s3.close();

			Response second = alice.rawChunk(id, "bytes 1000000-1999999/2000000",
					Arrays.copyOfRange(file, 1_000_000, 2_000_000), "f.bin");
			assertThat(second.status()).as(second.toString()).isEqualTo(503);
			assertThat(second.header("Retry-After")).isEqualTo("5");
			assertThat(second.contentType()).startsWith("application/problem+json");
			assertThat(second.json().get("type").asText()).isEqualTo("/problems/storage-unavailable");
			assertThat(alice.get("/api/uploads/" + id).json().get("offset").asLong()).isEqualTo(1_000_000);

			Response tus = alice.send(alice.request("/api/tus")
				.header("Tus-Resumable", "1.0.0")
				.header("Upload-Length", "5")
				.header("Content-Type", "application/offset+octet-stream")
				.POST(HttpRequest.BodyPublishers.ofByteArray("hello".getBytes())));
			assertThat(tus.status()).as(tus.toString()).isEqualTo(503);
			assertThat(tus.header("Retry-After")).isEqualTo("5");
			assertThat(tus.header("Tus-Resumable")).isEqualTo("1.0.0");
		}
		finally {
			s3.close();
		}
	}

	@Test
	void downloadWhenPresignedDownloadsAreOnThenARedirectStraightToTheBucket() throws Exception {
		String bucket = newBucket();
		try (ConfigurableApplicationContext app = start(PostgresDatabase.newDatabase(), bucket, S3Server.shared(),
				"--chunked-upload.storage.s3.presigned-downloads=true")) {
			HttpTestClient alice = new HttpTestClient(TwoInstancesIntegrationTests.port(app), "alice");
			byte[] file = randomBytes(100_000, 63);
			Response chunk = alice.rawChunk(null, "bytes 0-99999/100000", file, "report final.pdf");
			String id = chunk.json().get("upload_id").asText();
			assertThat(alice.complete(id, md5(file)).status()).isEqualTo(200);

			Response download = alice.get("/api/uploads/" + id + "/content");
			assertThat(download.status()).isEqualTo(302);
			assertThat(download.header("Cache-Control")).isEqualTo("no-store");
			URI location = URI.create(download.header("Location"));
			assertThat(location.getPort()).isEqualTo(S3Server.shared().endpoint().getPort());
			HttpResponse<byte[]> direct = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
			assertThat(direct.statusCode()).isEqualTo(200);
			assertThat(direct.body()).isEqualTo(file);
			assertThat(direct.headers().firstValue("Content-Disposition"))
				.hasValueSatisfying((value) -> assertThat(value).contains("attachment").contains("report%20final.pdf"));
		}
	}

	@Test
	void startWhenTheBucketIsMissingThenItStopsAndSaysWhatToCheck() throws Exception {
		assertThatException().isThrownBy(() -> start(PostgresDatabase.newDatabase(), "no-such-bucket").close())
			.withStackTraceContaining("The S3 bucket 'no-such-bucket'")
			.withStackTraceContaining("chunked-upload.storage.s3.bucket");
	}

	private ConfigurableApplicationContext start(String database, String bucket) throws Exception {
		return start(database, bucket, S3Server.shared());
	}

	private ConfigurableApplicationContext start(String database, String bucket, S3Server s3, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir, "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + PostgresDatabase.USERNAME,
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD, "--spring.jmx.enabled=false",
				"--chunked-upload.storage.type=s3", "--chunked-upload.storage.s3.bucket=" + bucket,
				"--chunked-upload.storage.s3.endpoint=" + s3.endpoint(),
				"--chunked-upload.storage.s3.path-style-access=true", "--chunked-upload.storage.s3.part-size=" + PART));
		arguments.addAll(List.of(more));
		return new SpringApplicationBuilder(Application.class).run(arguments.toArray(String[]::new));
	}

	private static String newBucket() throws Exception {
		String bucket = "uploads-" + UUID.randomUUID().toString().substring(0, 8);
		try (S3Client client = S3Server.shared().client()) {
			client.createBucket((request) -> request.bucket(bucket));
		}
		return bucket;
	}

}
