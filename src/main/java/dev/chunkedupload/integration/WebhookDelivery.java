package dev.chunkedupload.integration;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One event on its way to one receiver, as the outbox holds it and admins see it.
 *
 * @param id the delivery's id
 * @param eventId the event's id ({@code webhook-id})
 * @param eventType the event type, for example {@code upload.completed}
 * @param uploadId the upload the event is about
 * @param url the receiver
 * @param payload the body as sent (not shown to admins: the upload is one click away)
 * @param status {@code pending}, {@code delivered} or {@code failed}
 * @param attempts the attempts made so far
 * @param created when the event happened
 * @param nextAttempt when it is sent next, while pending
 * @param retryUntil when retries stop
 * @param lastAttempt when it was last sent
 * @param lastStatus the receiver's last HTTP status, if it answered
 * @param lastError what went wrong the last time
 * @param delivered when the receiver took it
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WebhookDelivery(long id, @JsonProperty("event_id") String eventId,
		@JsonProperty("event_type") String eventType, @JsonProperty("upload_id") String uploadId, String url,
		@JsonIgnore String payload, String status, int attempts, Instant created,
		@JsonProperty("next_attempt") Instant nextAttempt, @JsonProperty("retry_until") Instant retryUntil,
		@JsonProperty("last_attempt") Instant lastAttempt, @JsonProperty("last_status") Integer lastStatus,
		@JsonProperty("last_error") String lastError, Instant delivered) {

}
