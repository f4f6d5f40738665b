package dev.chunkedupload.integration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.chunkedupload.integration.Receiver.Answer;
import dev.chunkedupload.integration.Receiver.Request;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks over real HTTP to real receivers on loopback: the Standard Webhooks body and
 * headers, the signature checked by another implementation (Python), retries after a
 * receiver failure, the failed state and a retry by an admin, per-receiver event types,
 * and uploads that never wait for a receiver.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.webhook-delivery.initial-backoff=100ms",
				"chunked-upload.webhook-delivery.max-backoff=200ms", "chunked-upload.webhook-delivery.retry-for=3s",
				"chunked-upload.webhook-delivery.read-timeout=2s",
				"chunked-upload.webhook-delivery.poll-interval=200ms", "chunked-upload.sweep-interval=1h" })
class WebhookDeliveryIntegrationTests {

	static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	static final String OTHER_SECRET = "whsec_c2VjcmV0LWtleS1vZi10aGUtc2Vjb25kLXJlY2VpdmVy";

	static final Duration WAIT = Duration.ofSeconds(30);

	static final Receiver all = new Receiver();

	static final Receiver deletions = new Receiver();

	static final JsonMapper json = JsonMapper.builder().build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
		registry.add("chunked-upload.webhooks[0].url", all::url);
		registry.add("chunked-upload.webhooks[0].secret", () -> SECRET);
		registry.add("chunked-upload.webhooks[1].url", deletions::url);
		registry.add("chunked-upload.webhooks[1].secret", () -> OTHER_SECRET);
		registry.add("chunked-upload.webhooks[1].events", () -> "upload.deleted");
	}

	@AfterAll
	static void stopReceivers() {
		all.close();
		deletions.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	HttpTestClient alice;

	HttpTestClient root;

	@BeforeEach
	void clients() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.root = new HttpTestClient(this.port, "root");
		all.answer((request) -> new Answer(204, ""));
		deletions.answer((request) -> new Answer(204, ""));
	}

	@Test
	void completionWhenDeliveredThenStandardWebhooksBodyAndAValidSignature() {
		byte[] bytes = randomBytes(5000, 1);
		String id = upload(bytes, "report.pdf");

		List<Request> received = awaitTypes(all, id, "upload.created", "upload.completed");
		Request completed = received.get(1);
		assertThat(completed.method()).isEqualTo("POST");
		assertThat(completed.header("content-type")).startsWith("application/json");
		JsonNode body = json.readTree(completed.body());
		assertThat(body.path("type").asString()).isEqualTo("upload.completed");
		assertThat(body.path("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(body.path("data").path("upload_id").asString()).isEqualTo(id);
		assertThat(body.path("data").path("status").asString()).isEqualTo("complete");
		assertThat(body.path("data").path("md5").asString()).isEqualTo(ServerTestSupport.md5(bytes));
		assertThat(body.path("data").path("filename").asString()).isEqualTo("report.pdf");
		assertThat(body.path("data").path("size").asLong()).isEqualTo(5000);
		// The same fields as the API shows.
		JsonNode api = this.alice.get("/api/uploads/" + id).json();
		assertThat(body.path("data").propertyNames()).containsExactlyInAnyOrderElementsOf(api.propertyNames());

		assertThat(completed.header("webhook-id")).startsWith("msg_");
		assertThat(received.get(0).header("webhook-id")).isNotEqualTo(completed.header("webhook-id"));
		long timestamp = Long.parseLong(completed.header("webhook-timestamp"));
		assertThat(timestamp).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
		assertThat(completed.header("webhook-signature")).isEqualTo(SignatureCheck.python(SECRET,
				completed.header("webhook-id"), completed.header("webhook-timestamp"), completed.body()));
		assertThat(completed.header("webhook-signature")).isNotEqualTo(SignatureCheck.python(OTHER_SECRET,
				completed.header("webhook-id"), completed.header("webhook-timestamp"), completed.body()));
	}

	@Test
	void receiverWhenItFailsTwiceThenTheSameMessageIsRetriedUntilDelivered() {
		AtomicInteger failures = new AtomicInteger();
		all.answer((request) -> (request.body().contains("retry-me.bin") && request.body().contains("upload.created")
				&& failures.getAndIncrement() < 2) ? new Answer(500, "database down") : new Answer(200, "ok"));
		double retriedBefore = count("retried");
		String id = upload(randomBytes(100, 2), "retry-me.bin");

		List<Request> created = all
			.await((requests) -> typesAbout(requests, id).stream().filter("upload.created"::equals).count() == 3, WAIT)
			.stream()
			.filter((request) -> request.body().contains(id) && request.body().contains("upload.created"))
			.toList();
		assertThat(created).extracting((request) -> request.header("webhook-id"))
			.containsOnly(created.get(0).header("webhook-id"));
		assertThat(created).extracting(Request::body).containsOnly(created.get(0).body());
		assertThat(created)
			.allSatisfy((request) -> assertThat(request.header("webhook-signature")).isEqualTo(SignatureCheck
				.python(SECRET, request.header("webhook-id"), request.header("webhook-timestamp"), request.body())));
		JsonNode delivery = awaitDelivery(id, "upload.created", "delivered");
		assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
		assertThat(delivery.path("last_status").asInt()).isEqualTo(200);
		assertThat(count("retried") - retriedBefore).isGreaterThanOrEqualTo(2);
		assertThat(count("delivered")).isPositive();
	}

	@Test
	void receiverWhenFailingPastTheRetryWindowThenFailedWithTheLastErrorAndAnAdminCanRetry() {
		all.answer((request) -> request.body().contains("doomed.bin")
				? new Answer(503, "maintenance\u0000 until\nmonday") : new Answer(204, ""));
		String id = upload(randomBytes(100, 3), "doomed.bin");

		JsonNode failed = awaitDelivery(id, "upload.completed", "failed");
		assertThat(failed.path("attempts").asInt()).isGreaterThan(1);
		assertThat(failed.path("last_status").asInt()).isEqualTo(503);
		assertThat(failed.path("last_error").asString()).isEqualTo("HTTP 503: maintenance until monday");
		assertThat(count("failed")).isPositive();
		JsonNode listing = this.root.get("/api/admin/webhooks/deliveries?status=failed").json();
		assertThat(listing.path("counts").path("failed").asLong()).isPositive();
		assertThat(listing.path("deliveries").valueStream().map((d) -> d.path("status").asString()))
			.containsOnly("failed");

		Response page = this.root.get("/admin/webhooks");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.text()).contains("Webhook deliveries", "HTTP 503: maintenance until monday", id);
		assertThat(this.alice.get("/admin/webhooks").status()).isEqualTo(403);

		all.answer((request) -> new Answer(204, ""));
		long deliveryId = failed.path("id").asLong();
		Response retry = this.root.send(this.root.request("/api/admin/webhooks/deliveries/" + deliveryId + "/retry")
			.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
		assertThat(retry.status()).isEqualTo(202);
		awaitDelivery(id, "upload.completed", "delivered");
		Response again = this.root.send(this.root.request("/api/admin/webhooks/deliveries/" + deliveryId + "/retry")
			.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
		assertThat(again.status()).isEqualTo(404);
		assertThat(again.contentType()).startsWith("application/problem+json");
	}

	@Test
	void receiverWhenConfiguredForDeletionsOnlyThenItGetsNothingElse() {
		String id = upload(randomBytes(100, 4), "deleted.bin");
		assertThat(this.alice.delete("/api/uploads/" + id).status()).isEqualTo(204);
		Request deleted = deletions.await((requests) -> !typesAbout(requests, id).isEmpty(), WAIT)
			.stream()
			.filter((request) -> request.body().contains(id))
			.findFirst()
			.orElseThrow();
		assertThat(json.readTree(deleted.body()).path("data").path("status").asString()).isEqualTo("aborted");
		assertThat(deleted.header("webhook-signature")).isEqualTo(SignatureCheck.python(OTHER_SECRET,
				deleted.header("webhook-id"), deleted.header("webhook-timestamp"), deleted.body()));
		awaitTypes(all, id, "upload.created", "upload.completed", "upload.deleted");
		assertThat(typesAbout(deletions.requests(), id)).containsExactly("upload.deleted");
	}

	@Test
	void receiverWhenItHangsThenUploadsStillCompleteWithoutWaitingForIt() {
		all.hold();
		try {
			String id = upload(randomBytes(100, 5), "while-hanging.bin");
			// Every request of the upload was answered while the receiver holds its
			// answer to the first event: no request waited for it.
			assertThat(this.alice.get("/api/uploads/" + id).json().path("status").asString()).isEqualTo("complete");
			assertThat(all.requests()).isNotEmpty();
		}
		finally {
			all.release();
		}
	}

	@Test
	void deliveriesWhenAskedByANonAdminThen403() {
		assertThat(this.alice.get("/api/admin/webhooks/deliveries").status()).isEqualTo(403);
		assertThat(this.root.get("/api/admin/webhooks/deliveries?status=bogus").status()).isEqualTo(400);
		JsonNode listing = this.root.get("/api/admin/webhooks/deliveries?limit=100000").json();
		assertThat(listing.path("limit").asInt()).isEqualTo(500);
	}

	private String upload(byte[] bytes, String filename) {
		Response first = this.alice.rawChunk(null, "bytes 0-" + (bytes.length - 1) + "/" + bytes.length, bytes,
				filename);
		assertThat(first.status()).as(first.text()).isEqualTo(200);
		String id = first.json().path("upload_id").asString();
		assertThat(this.alice.complete(id, ServerTestSupport.md5(bytes)).status()).isEqualTo(200);
		return id;
	}

	private List<Request> awaitTypes(Receiver receiver, String id, String... types) {
		receiver.await((requests) -> typesAbout(requests, id).size() >= types.length, WAIT);
		assertThat(typesAbout(receiver.requests(), id)).containsExactly(types);
		return receiver.about(id);
	}

	private static List<String> typesAbout(List<Request> requests, String id) {
		return requests.stream()
			.filter((request) -> request.body().contains(id))
			.map((request) -> json.readTree(request.body()).path("type").asString())
			.toList();
	}

	private JsonNode awaitDelivery(String uploadId, String type, String status) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			JsonNode listing = this.root.get("/api/admin/webhooks/deliveries?limit=500").json();
			for (JsonNode delivery : listing.path("deliveries")) {
				if (delivery.path("upload_id").asString().equals(uploadId)
						&& delivery.path("event_type").asString().equals(type)
						&& delivery.path("url").asString().equals(all.url())
						&& delivery.path("status").asString().equals(status)) {
					return delivery;
				}
			}
			assertThat(System.nanoTime()).as("waited for a %s delivery %s of %s: %s", status, type, uploadId, listing)
				.isLessThan(deadline);
			pause();
		}
	}

	private double count(String outcome) {
		return this.meters.get("chunked.upload.webhook.deliveries").tag("outcome", outcome).counter().count();
	}

	private static void pause() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
