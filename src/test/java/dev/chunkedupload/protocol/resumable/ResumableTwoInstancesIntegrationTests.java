package dev.chunkedupload.protocol.resumable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.Application;
import dev.chunkedupload.protocol.resumable.ResumableIntegrationTests.FileSpec;
import dev.chunkedupload.testsupport.H2Database;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.PostgresDatabase;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances sharing one database and one data directory, as behind a load balancer
 * that spreads a browser's parallel chunk requests: chunks of one file, out of order and
 * repeated, alternate between the instances; the file is right and completes once.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(180)
class ResumableTwoInstancesIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void chunksWhenSpreadOverTwoInstancesOnH2ThenFileRightAndCompletedOnce(CapturedOutput output) throws Exception {
		run(H2Database.newDatabase(), "--spring.datasource.username=sa", output);
	}

	@Test
	void chunksWhenSpreadOverTwoInstancesOnPostgresThenFileRightAndCompletedOnce(CapturedOutput output)
			throws Exception {
		run(PostgresDatabase.newDatabase(), "--spring.datasource.username=" + PostgresDatabase.USERNAME, output);
	}

	private void run(String database, String username, CapturedOutput output) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try (ConfigurableApplicationContext one = start(database, username);
				ConfigurableApplicationContext two = start(database, username)) {
			List<HttpTestClient> instances = List.of(new HttpTestClient(port(one), "alice"),
					new HttpTestClient(port(two), "alice"));
			byte[] file = randomBytes(30 * 64 * 1024 + 1000, 21);
			FileSpec spec = new FileSpec("flow", file, 64 * 1024, "spread", "spread.bin");
			List<Integer> sends = new ArrayList<>();
			for (int number = 1; number <= spec.totalChunks(); number++) {
				sends.add(number);
				sends.add(number);
			}
			Collections.shuffle(sends, new Random(3));
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Response>> answers = new ArrayList<>();
			for (int i = 0; i < sends.size(); i++) {
				HttpTestClient instance = instances.get(i % 2);
				int number = sends.get(i);
				answers.add(executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					return untilNotBusy(instance, spec, number);
				}));
			}
			start.countDown();
			String id = null;
			for (Future<Response> answer : answers) {
				Response response = answer.get(60, TimeUnit.SECONDS);
				assertThat(response.status()).as(response.text()).isEqualTo(200);
				id = response.json().get("upload_id").asString();
			}
			assertThat(instances.get(1).get("/api/uploads/" + id).json().get("md5").asString()).isEqualTo(md5(file));
			assertThat(instances.get(0).get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
			assertThat(output.getOut().split("Upload " + id + " of alice complete", -1)).hasSize(2);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static Response untilNotBusy(HttpTestClient client, FileSpec spec, int number) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			Response response = ResumableIntegrationTests.raw(client, spec, number);
			if (response.status() != 423 || System.nanoTime() > deadline) {
				return response;
			}
			Thread.sleep(10);
		}
	}

	private ConfigurableApplicationContext start(String database, String username) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir, "--spring.datasource.url=" + database, username,
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD, "--spring.jmx.enabled=false");
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
	}

}
