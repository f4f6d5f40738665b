package dev.chunkedupload.integration;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.chunkedupload.integration.WebhookEndpoints.Endpoint;
import dev.chunkedupload.upload.model.UploadEvent;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Turns the core's upload events into outbox rows, one per receiver that wants the type,
 * inside the transaction of the change (the core publishes there): the change and its
 * deliveries commit together or not at all. Once committed, the worker is woken so the
 * receivers hear of it at once rather than at the next poll.
 */
@Component
class WebhookOutboxWriter {

	private final WebhookEndpoints endpoints;

	private final WebhookOutbox outbox;

	private final WebhookDeliverer deliverer;

	private final WebhookDeliveryProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	WebhookOutboxWriter(WebhookEndpoints endpoints, WebhookOutbox outbox, WebhookDeliverer deliverer,
			WebhookDeliveryProperties properties, JsonMapper json, Clock clock) {
		this.endpoints = endpoints;
		this.outbox = outbox;
		this.deliverer = deliverer;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	@EventListener
	void write(UploadEvent event) {
		List<Endpoint> receivers = this.endpoints.wanting(event.type());
		if (receivers.isEmpty()) {
			return;
		}
		String body = body(event);
		Instant now = this.clock.instant();
		for (Endpoint receiver : receivers) {
			this.outbox.insert(event.id(), event.type().wireName(), event.upload().uploadId(),
					receiver.url().toString(), body, now, now.plus(this.properties.retryFor()));
		}
	}

	@TransactionalEventListener
	void committed(UploadEvent event) {
		if (!this.endpoints.wanting(event.type()).isEmpty()) {
			this.deliverer.wake();
		}
	}

	/** The Standard Webhooks body: {@code {"type", "timestamp", "data"}}. */
	private String body(UploadEvent event) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", event.type().wireName());
		body.put("timestamp", event.timestamp());
		body.put("data", event.upload());
		return this.json.writeValueAsString(body);
	}

}
