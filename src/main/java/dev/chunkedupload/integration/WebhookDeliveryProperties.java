package dev.chunkedupload.integration;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How webhooks are delivered, {@code chunked-upload.webhook-delivery.*}.
 *
 * @param retryFor how long a delivery is retried after the event, before it is marked
 * failed
 * @param initialBackoff the wait before the first retry; each next wait doubles
 * @param maxBackoff the longest wait between two attempts
 * @param connectTimeout how long connecting to a receiver may take
 * @param readTimeout how long a receiver may take to answer, once connected
 * @param pollInterval how often the outbox is looked at for due deliveries (each commit
 * that writes one also wakes the worker)
 * @param threads how many deliveries this instance sends at once
 * @param keepDelivered how long delivered rows stay visible before they are deleted
 */
@Validated
@ConfigurationProperties("chunked-upload.webhook-delivery")
public record WebhookDeliveryProperties(@DefaultValue("24h") @NotNull Duration retryFor,
		@DefaultValue("5s") @NotNull Duration initialBackoff, @DefaultValue("1h") @NotNull Duration maxBackoff,
		@DefaultValue("5s") @NotNull Duration connectTimeout, @DefaultValue("10s") @NotNull Duration readTimeout,
		@DefaultValue("5s") @NotNull Duration pollInterval, @DefaultValue("2") @Min(1) @Max(32) int threads,
		@DefaultValue("7d") @NotNull Duration keepDelivered) {

	/**
	 * How long a claimed delivery stays with its instance: longer than one attempt can
	 * take, so another instance never sends it at the same time, and short enough that a
	 * dead instance's claims are soon taken over.
	 * @return the claim's duration
	 */
	Duration claimDuration() {
		return this.connectTimeout.plus(this.readTimeout).plusSeconds(30);
	}

	/**
	 * The wait after a failed attempt.
	 * @param attempts the attempts made so far, at least 1
	 * @return the wait
	 */
	Duration backoff(int attempts) {
		Duration wait = this.initialBackoff;
		for (int i = 1; i < attempts && wait.compareTo(this.maxBackoff) < 0; i++) {
			wait = wait.multipliedBy(2);
		}
		return (wait.compareTo(this.maxBackoff) > 0) ? this.maxBackoff : wait;
	}

}
