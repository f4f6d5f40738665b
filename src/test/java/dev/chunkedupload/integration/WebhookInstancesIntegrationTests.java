package dev.chunkedupload.integration;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.Application;
import dev.chunkedupload.integration.Receiver.Answer;
import dev.chunkedupload.integration.Receiver.Request;
import dev.chunkedupload.testsupport.H2Database;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.PostgresDatabase;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadProtocol;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox across instances: a delivery still pending when its instance stops is sent
 * by the next one started on the same database, and two instances sharing a PostgreSQL
 * database send each event exactly once between them.
 */
class WebhookInstancesIntegrationTests {

	static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path dataDir;

	@Test
	void deliveryWhenPendingAtShutdownThenSentAfterTheRestart() {
		String database = H2Database.newDatabase();
		try (Receiver receiver = new Receiver()) {
			receiver.answer((request) -> new Answer(503, "not yet"));
			String id;
			try (ConfigurableApplicationContext first = start(database, "--spring.datasource.username=sa",
					receiver.url())) {
				id = uploadThrough(first, "restart.bin").getId();
				receiver.await((requests) -> !requests.isEmpty(), WAIT);
			}
			// Stopped with its deliveries pending (the receiver kept failing).
			JdbcTemplate stopped = new JdbcTemplate(new DriverManagerDataSource(database, H2Database.USERNAME, ""));
			assertThat(stopped.queryForList(
					"select event_type from webhook_delivery where upload_id = ? and status = 'PENDING' order by delivery_id",
					String.class, id))
				.containsExactly("upload.created", "upload.completed");
			receiver.answer((request) -> new Answer(204, ""));
			int before = receiver.requests().size();
			try (ConfigurableApplicationContext second = start(database, "--spring.datasource.username=sa",
					receiver.url())) {
				JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
				awaitAllDelivered(jdbc);
				assertThat(receiver.requests().subList(before, receiver.requests().size())).isNotEmpty();
				assertThat(
						jdbc.queryForList("select status from webhook_delivery where upload_id = ?", String.class, id))
					.containsOnly("DELIVERED");
			}
		}
	}

	@Test
	void eventsWhenTwoInstancesShareAPostgresDatabaseThenEachIsDeliveredExactlyOnce() {
		String database = PostgresDatabase.newDatabase();
		String username = "--spring.datasource.username=" + PostgresDatabase.USERNAME;
		try (Receiver receiver = new Receiver()) {
			try (ConfigurableApplicationContext one = start(database, username, receiver.url());
					ConfigurableApplicationContext two = start(database, username, receiver.url())) {
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					// Events written through both instances, each woken by its own
					// commits
					// and polling on its own: both compete for every delivery.
					ids.add(uploadThrough((i % 2 == 0) ? one : two, "both-" + i + ".bin").getId());
				}
				JdbcTemplate jdbc = one.getBean(JdbcTemplate.class);
				awaitAllDelivered(jdbc);
				List<Request> received = receiver.requests();
				Map<String, Long> perMessage = received.stream()
					.collect(Collectors.groupingBy((request) -> request.header("webhook-id"), Collectors.counting()));
				assertThat(perMessage).hasSize(20).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
				assertThat(ids).allSatisfy((id) -> assertThat(receiver.about(id)).hasSize(2));
			}
		}
	}

	private static ChunkedUpload uploadThrough(ConfigurableApplicationContext context, String filename) {
		UploadService uploads = context.getBean(UploadService.class);
		byte[] bytes = randomBytes(100, filename.hashCode());
		ChunkedUpload upload = uploads.start("alice", UploadProtocol.CHUNKED, filename,
				new Chunk(0, 100L, 100L, false, false), new ByteArrayInputStream(bytes));
		return uploads.complete("alice", upload.getId(), null);
	}

	private static void awaitAllDelivered(JdbcTemplate jdbc) {
		Function<String, Long> count = (status) -> jdbc
			.queryForObject("select count(*) from webhook_delivery where status = ?", Long.class, status);
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (count.apply("PENDING") > 0 || count.apply("DELIVERED") == 0) {
			assertThat(System.nanoTime()).as("waited for every delivery").isLessThan(deadline);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		assertThat(count.apply("FAILED")).isZero();
	}

	private ConfigurableApplicationContext start(String database, String username, String url) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir, "--spring.datasource.url=" + database, username,
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD, "--spring.jmx.enabled=false",
				"--chunked-upload.sweep-interval=1h", "--chunked-upload.webhooks[0].url=" + url,
				"--chunked-upload.webhooks[0].secret=" + SECRET,
				"--chunked-upload.webhook-delivery.initial-backoff=200ms",
				"--chunked-upload.webhook-delivery.max-backoff=500ms",
				"--chunked-upload.webhook-delivery.poll-interval=100ms", "--chunked-upload.webhook-delivery.threads=4");
	}

}
