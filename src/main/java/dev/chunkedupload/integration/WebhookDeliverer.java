package dev.chunkedupload.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.integration.WebhookEndpoints.Endpoint;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's deliveries, on threads of its own: a poller claims due deliveries
 * (no more than there are free senders, so no claim waits in a queue while it runs out)
 * and the senders POST them with bounded connect and read timeouts. Nothing here runs on
 * a request thread, so a slow or dead receiver never slows an upload. A failed attempt is
 * retried with exponential back-off until the delivery's retry window ends; then it is
 * failed, for an admin to see and retry.
 */
@Component
public class WebhookDeliverer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WebhookDeliverer.class);

	/** Enough of a receiver's answer to say what went wrong, no more. */
	private static final int ERROR_BODY_BYTES = 300;

	private static final String METER = "chunked.upload.webhook.deliveries";

	private final WebhookOutbox outbox;

	private final WebhookEndpoints endpoints;

	private final WebhookDeliveryProperties properties;

	private final Clock clock;

	private final Counter delivered;

	private final Counter retried;

	private final Counter failed;

	private final String instance = UUID.randomUUID().toString();

	private final Semaphore freeSenders;

	private final AtomicBoolean wakeQueued = new AtomicBoolean();

	private final HttpClient client;

	private volatile ScheduledExecutorService poller;

	private volatile ExecutorService senders;

	private volatile Instant lastCleanup = Instant.EPOCH;

	WebhookDeliverer(WebhookOutbox outbox, WebhookEndpoints endpoints, WebhookDeliveryProperties properties,
			Clock clock, MeterRegistry meters) {
		this.outbox = outbox;
		this.endpoints = endpoints;
		this.properties = properties;
		this.clock = clock;
		this.freeSenders = new Semaphore(properties.threads());
		this.delivered = counter(meters, "delivered", "the receiver answered 2xx");
		this.retried = counter(meters, "retried", "an attempt failed; the delivery is tried again later");
		this.failed = counter(meters, "failed", "the retry window ended; the delivery is given up");
		this.client = HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	private static Counter counter(MeterRegistry meters, String outcome, String description) {
		return Counter.builder(METER)
			.description("Webhook delivery attempts by outcome: " + description)
			.tag("outcome", outcome)
			.register(meters);
	}

	@Override
	public void start() {
		this.senders = Executors.newFixedThreadPool(this.properties.threads(), (task) -> {
			Thread thread = new Thread(task, "webhook-sender");
			thread.setDaemon(true);
			return thread;
		});
		this.poller = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "webhook-poller");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.pollInterval().toMillis();
		this.poller.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Look at the outbox now rather than at the next poll (a commit just wrote to it, or
	 * a sender is free again).
	 */
	public void wake() {
		ScheduledExecutorService current = this.poller;
		if (current != null && this.wakeQueued.compareAndSet(false, true)) {
			try {
				current.execute(this::poll);
			}
			catch (RuntimeException ex) {
				// Stopping: the next instance or start picks the deliveries up.
				this.wakeQueued.set(false);
			}
		}
	}

	private void poll() {
		this.wakeQueued.set(false);
		if (this.poller == null) {
			// Stopping: claim nothing more.
			return;
		}
		try {
			int free = this.freeSenders.availablePermits();
			if (free > 0) {
				Instant now = this.clock.instant();
				List<WebhookDelivery> due = this.outbox.claimDue(this.instance, now,
						now.plus(this.properties.claimDuration()), free);
				for (WebhookDelivery delivery : due) {
					this.freeSenders.acquireUninterruptibly();
					this.senders.execute(() -> {
						try {
							send(delivery);
						}
						finally {
							this.freeSenders.release();
							wake();
						}
					});
				}
			}
			cleanUp();
		}
		catch (RuntimeException ex) {
			logger.warn("Looking for webhook deliveries failed; trying again at the next poll", ex);
		}
	}

	private void send(WebhookDelivery delivery) {
		Endpoint endpoint = this.endpoints.find(delivery.url()).orElse(null);
		if (endpoint == null) {
			record(delivery, WebhookOutbox.FAILED, null, "The receiver is no longer configured");
			return;
		}
		long timestamp = this.clock.instant().getEpochSecond();
		HttpRequest request = HttpRequest.newBuilder(endpoint.url())
			.timeout(this.properties.readTimeout())
			.header("Content-Type", "application/json")
			.header("User-Agent", "chunked-upload-server")
			.header(WebhookSignature.ID, delivery.eventId())
			.header(WebhookSignature.TIMESTAMP, String.valueOf(timestamp))
			.header(WebhookSignature.SIGNATURE,
					WebhookSignature.sign(endpoint.key(), delivery.eventId(), timestamp, delivery.payload()))
			.POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8))
			.build();
		try {
			HttpResponse<InputStream> response = this.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
			String excerpt = excerpt(response.body());
			int status = response.statusCode();
			if (status >= 200 && status < 300) {
				record(delivery, WebhookOutbox.DELIVERED, status, null);
			}
			else {
				failedAttempt(delivery, status, "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
			}
		}
		catch (IOException ex) {
			failedAttempt(delivery, null, ex.getClass().getSimpleName()
					+ ((ex.getMessage() != null) ? ": " + Sanitised.text(ex.getMessage(), 500) : ""));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failedAttempt(delivery, null, "Interrupted while sending (the server was stopping)");
		}
		catch (RuntimeException ex) {
			failedAttempt(delivery, null, Sanitised.text(String.valueOf(ex), 500));
		}
	}

	private void failedAttempt(WebhookDelivery delivery, Integer status, String error) {
		Instant next = this.clock.instant().plus(this.properties.backoff(delivery.attempts() + 1));
		if (next.isAfter(delivery.retryUntil())) {
			record(delivery, WebhookOutbox.FAILED, status, error);
		}
		else {
			record(delivery, WebhookOutbox.PENDING, status, error);
		}
	}

	private void record(WebhookDelivery delivery, String status, Integer httpStatus, String error) {
		Instant now = this.clock.instant();
		Instant next = WebhookOutbox.PENDING.equals(status) ? now.plus(this.properties.backoff(delivery.attempts() + 1))
				: now;
		if (!this.outbox.recordAttempt(delivery.id(), this.instance, status, now, next, httpStatus, error)) {
			logger.warn("Webhook delivery {} took longer than its claim; another instance may send it again",
					delivery.id());
			return;
		}
		switch (status) {
			case WebhookOutbox.DELIVERED -> this.delivered.increment();
			case WebhookOutbox.PENDING -> {
				this.retried.increment();
				logger.info("Webhook {} of {} to {} failed ({}); retrying at {}", delivery.eventType(),
						delivery.uploadId(), delivery.url(), error, next);
			}
			default -> {
				this.failed.increment();
				logger.warn("Webhook {} of {} to {} failed after {} attempts: {}", delivery.eventType(),
						delivery.uploadId(), delivery.url(), delivery.attempts() + 1, error);
			}
		}
	}

	private void cleanUp() {
		Instant now = this.clock.instant();
		if (now.isBefore(this.lastCleanup.plusSeconds(600))) {
			return;
		}
		this.lastCleanup = now;
		int deleted = this.outbox.deleteDeliveredBefore(now.minus(this.properties.keepDelivered()));
		if (deleted > 0) {
			logger.info("Forgot {} webhook deliveries delivered more than {} ago", deleted,
					this.properties.keepDelivered());
		}
	}

	private static String excerpt(InputStream body) throws IOException {
		try (body) {
			return Sanitised.text(new String(body.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8), 300);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService poller = this.poller;
		ExecutorService senders = this.senders;
		this.poller = null;
		if (poller == null) {
			return;
		}
		// No interrupts while a thread may be inside JDBC (H2 closes its database when a
		// thread is interrupted in its I/O): attempts under way end within their timeouts
		// and record their outcome; what is left is taken over once its claim lapses.
		poller.shutdown();
		senders.shutdown();
		long bound = this.properties.connectTimeout().plus(this.properties.readTimeout()).toMillis();
		try {
			if (!poller.awaitTermination(bound, TimeUnit.MILLISECONDS)
					|| !senders.awaitTermination(bound, TimeUnit.MILLISECONDS)) {
				logger.warn("Webhook deliveries still under way at shutdown; their claims lapse in {}",
						this.properties.claimDuration());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.poller != null;
	}

}
