package dev.chunkedupload.upload.model;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Something happened to an upload: it was created, completed, deleted (aborted) or
 * expired. The core publishes it inside the transaction that makes the change, so a
 * {@code @TransactionalEventListener} hears it once the change is committed and never
 * when it is rolled back, and a plain {@code @EventListener} can write rows of its own in
 * the same commit (the webhook outbox does).
 *
 * @param id a unique id of this event, the same wherever it is delivered (webhooks send
 * it as {@code webhook-id}), so receivers can drop repeats
 * @param type what happened
 * @param timestamp when
 * @param upload the upload right after the change
 */
public record UploadEvent(String id, Type type, Instant timestamp, UploadSnapshot upload) {

	/**
	 * An event about an upload as it is now.
	 * @param type what happened
	 * @param upload the upload after the change
	 * @param now when
	 * @return the event
	 */
	public static UploadEvent of(Type type, ChunkedUpload upload, Instant now) {
		return new UploadEvent("msg_" + UUID.randomUUID().toString().replace("-", ""), type, now,
				UploadSnapshot.of(upload));
	}

	/** What happened to an upload. */
	public enum Type {

		/** Its row was created; it has no bytes yet. */
		CREATED,

		/** Every byte arrived and its MD5 is recorded. */
		COMPLETED,

		/** It was deleted, complete or not (an aborted upload), and its bytes removed. */
		DELETED,

		/** It stayed idle past its expiry and the sweep removed its bytes. */
		EXPIRED;

		/**
		 * The name of the type in webhooks and configuration.
		 * @return for example {@code upload.completed}
		 */
		public String wireName() {
			return "upload." + name().toLowerCase(Locale.ROOT);
		}

	}

}
