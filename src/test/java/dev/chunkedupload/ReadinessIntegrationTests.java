package dev.chunkedupload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.S3Server;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes as an orchestrator and an operator see them: readiness follows the database
 * and the store (free space on the file system, the bucket on S3), liveness does not;
 * anonymous probes get the status alone, administrators every check's details.
 */
class ReadinessIntegrationTests {

	@TempDir
	Path dataDir;

	@BeforeAll
	static void credentials() {
		// The SDK's default chain reads these, as it would read the environment of a pod.
		System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
		System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
	}

	@Test
	void readinessWhenStoreHasRoomThenUpAndOnlyAdministratorsSeeDetails() {
		try (ConfigurableApplicationContext app = start()) {
			HttpTestClient anonymous = new HttpTestClient(TwoInstancesIntegrationTests.port(app), null);
			Response ready = anonymous.get("/actuator/health/readiness");
			assertThat(ready.status()).isEqualTo(200);
			assertThat(ready.json().get("status").asString()).isEqualTo("UP");
			assertThat(ready.json().has("components")).isFalse();
			assertThat(anonymous.get("/actuator/health").json().has("components")).isFalse();
			assertThat(anonymous.as("alice").get("/actuator/health/readiness").json().has("components")).isFalse();

			JsonNode components = anonymous.as("root").get("/actuator/health/readiness").json().get("components");
			assertThat(components.get("db").get("status").asString()).isEqualTo("UP");
			JsonNode store = components.get("uploadStore");
			assertThat(store.get("status").asString()).isEqualTo("UP");
			assertThat(store.get("details").get("type").asString()).isEqualTo("filesystem");
			assertThat(store.get("details").get("free").asLong()).isPositive();
			assertThat(store.get("details").get("threshold").asLong()).isEqualTo(1L << 30);
			assertThat(components.get("readinessState").get("status").asString()).isEqualTo("UP");

			Response alive = anonymous.get("/actuator/health/liveness");
			assertThat(alive.status()).isEqualTo(200);
			assertThat(alive.json().get("status").asString()).isEqualTo("UP");
		}
	}

	@Test
	void readinessWhenFreeSpaceBelowThresholdThenOutOfServiceWhileAlive() {
		try (ConfigurableApplicationContext app = start(
				"--chunked-upload.storage.filesystem.min-free-space=1000000TB")) {
			HttpTestClient anonymous = new HttpTestClient(TwoInstancesIntegrationTests.port(app), null);
			Response ready = anonymous.get("/actuator/health/readiness");
			assertThat(ready.status()).isEqualTo(503);
			assertThat(ready.json().get("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(ready.json().has("components")).isFalse();

			JsonNode components = anonymous.as("root").get("/actuator/health/readiness").json().get("components");
			assertThat(components.get("uploadStore").get("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(components.get("uploadStore").get("details").get("error").asString()).contains("min-free-space");
			assertThat(components.get("db").get("status").asString()).isEqualTo("UP");

			assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
		}
	}

	@Test
	void readinessWhenTheS3ServerStopsThenDownWhileAlive() throws Exception {
		S3Server s3 = S3Server.start();
		String bucket = "ready-" + UUID.randomUUID().toString().substring(0, 8);
		try (S3Client client = s3.client()) {
			client.createBucket((request) -> request.bucket(bucket));
		}
		try (ConfigurableApplicationContext app = start("--chunked-upload.storage.type=s3",
				"--chunked-upload.storage.s3.bucket=" + bucket, "--chunked-upload.storage.s3.endpoint=" + s3.endpoint(),
				"--chunked-upload.storage.s3.path-style-access=true",
				"--chunked-upload.storage.s3.health-check-cache=0s")) {
			HttpTestClient root = new HttpTestClient(TwoInstancesIntegrationTests.port(app), "root");
			Response ready = root.get("/actuator/health/readiness");
			assertThat(ready.status()).as(ready.text()).isEqualTo(200);
			JsonNode store = ready.json().get("components").get("uploadStore");
			assertThat(store.get("status").asString()).isEqualTo("UP");
			assertThat(store.get("details").get("type").asString()).isEqualTo("s3");
			assertThat(store.get("details").get("bucket").asString()).isEqualTo(bucket);

			s3.close();

			Response down = root.get("/actuator/health/readiness");
			assertThat(down.status()).isEqualTo(503);
			assertThat(down.json().get("status").asString()).isEqualTo("DOWN");
			assertThat(down.json().get("components").get("uploadStore").get("status").asString()).isEqualTo("DOWN");
			assertThat(down.json().get("components").get("db").get("status").asString()).isEqualTo("UP");
			Response anonymous = root.as(null).get("/actuator/health/readiness");
			assertThat(anonymous.status()).isEqualTo(503);
			assertThat(anonymous.json().has("components")).isFalse();
			assertThat(root.get("/actuator/health/liveness").status()).isEqualTo(200);
		}
		finally {
			s3.close();
		}
	}

	@Test
	void probesWhenOnASeparateManagementPortThenSameRulesThereAndNoneOnTheServerPort() {
		try (ConfigurableApplicationContext app = start("--management.server.port=0",
				"--management.server.address=127.0.0.1")) {
			int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.management.port"));
			assertThat(port).isNotEqualTo(TwoInstancesIntegrationTests.port(app));
			HttpTestClient anonymous = new HttpTestClient(port, null);
			Response ready = anonymous.get("/actuator/health/readiness");
			assertThat(ready.status()).isEqualTo(200);
			assertThat(ready.json().has("components")).isFalse();
			assertThat(anonymous.as("root").get("/actuator/health/readiness").json().has("components")).isTrue();
			assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
			assertThat(anonymous.as("alice").get("/actuator/prometheus").status()).isEqualTo(403);
			Response scrape = anonymous.as("root").get("/actuator/prometheus");
			assertThat(scrape.status()).isEqualTo(200);
			assertThat(scrape.text()).contains("chunked_upload_uploads_active");
			assertThat(new HttpTestClient(TwoInstancesIntegrationTests.port(app), "root").get("/actuator/prometheus")
				.status()).isEqualTo(404);
		}
	}

	private ConfigurableApplicationContext start(String... more) {
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=0", "--server.address=127.0.0.1", "--chunked-upload.data-dir=" + this.dataDir,
						"--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
						"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD,
						"--chunked-upload.users.alice.roles=USER",
						"--chunked-upload.users.root.password={noop}" + HttpTestClient.PASSWORD,
						"--chunked-upload.users.root.roles=USER,ADMIN", "--spring.jmx.enabled=false"));
		arguments.addAll(List.of(more));
		return new SpringApplicationBuilder(Application.class).run(arguments.toArray(String[]::new));
	}

}
