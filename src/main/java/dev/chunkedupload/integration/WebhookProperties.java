package dev.chunkedupload.integration;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The webhook receivers, {@code chunked-upload.webhooks[N].*}; checked when the server
 * starts ({@link WebhookEndpoints}).
 *
 * @param webhooks the receivers; none by default
 */
@ConfigurationProperties("chunked-upload")
public record WebhookProperties(@DefaultValue List<Webhook> webhooks) {

	/**
	 * One receiver.
	 *
	 * @param url where events are POSTed, an absolute {@code http} or {@code https} URL
	 * @param secret the signing secret, {@code whsec_<base64 of 24-64 bytes>}
	 * @param events the event types it gets ({@code upload.created},
	 * {@code upload.completed}, {@code upload.deleted}, {@code upload.expired}); every
	 * type when empty
	 */
	public record Webhook(String url, String secret, @DefaultValue List<String> events) {

	}

}
