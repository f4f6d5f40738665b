package dev.chunkedupload.integration;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Service;

/**
 * What admins see of webhook deliveries and may do with them (the admin page and
 * {@code /api/admin/webhooks/deliveries}).
 */
@Service
public class WebhookDeliveries {

	/** The most deliveries one listing shows. */
	public static final int MAX_LIMIT = 500;

	private final WebhookOutbox outbox;

	private final WebhookDeliverer deliverer;

	private final WebhookDeliveryProperties properties;

	private final Clock clock;

	WebhookDeliveries(WebhookOutbox outbox, WebhookDeliverer deliverer, WebhookDeliveryProperties properties,
			Clock clock) {
		this.outbox = outbox;
		this.deliverer = deliverer;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Deliveries, newest first.
	 * @param status {@code pending}, {@code delivered} or {@code failed}, or {@code null}
	 * for all
	 * @param limit how many at most (capped at {@link #MAX_LIMIT})
	 * @return the deliveries
	 * @throws IllegalArgumentException if the status is unknown
	 */
	public List<WebhookDelivery> list(String status, int limit) {
		String column = null;
		if (status != null && !status.isBlank()) {
			column = status.strip().toUpperCase(Locale.ROOT);
			if (!List.of(WebhookOutbox.PENDING, WebhookOutbox.DELIVERED, WebhookOutbox.FAILED).contains(column)) {
				throw new IllegalArgumentException(
						"Unknown status '" + status + "'; one of pending, delivered, failed");
			}
		}
		return this.outbox.list(column, Math.max(1, Math.min(limit, MAX_LIMIT)));
	}

	/**
	 * How many deliveries are in each status.
	 * @return {@code pending}, {@code delivered}, {@code failed} to their counts
	 */
	public Map<String, Long> counts() {
		return this.outbox.counts();
	}

	/**
	 * Send a failed delivery again now, with a fresh retry window.
	 * @param id the delivery
	 * @return whether it was failed (and is pending again)
	 */
	public boolean retry(long id) {
		Instant now = this.clock.instant();
		boolean retried = this.outbox.retry(id, now, now.plus(this.properties.retryFor()));
		if (retried) {
			this.deliverer.wake();
		}
		return retried;
	}

}
