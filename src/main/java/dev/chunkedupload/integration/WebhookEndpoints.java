package dev.chunkedupload.integration;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.chunkedupload.upload.model.UploadEvent;

import org.springframework.stereotype.Component;

/**
 * The configured webhook receivers, checked when the server starts: a bad URL, a bad
 * secret or an unknown event type stops the start with a message that names the property,
 * rather than failing every delivery later.
 */
@Component
public class WebhookEndpoints {

	private final List<Endpoint> endpoints;

	WebhookEndpoints(WebhookProperties properties) {
		List<Endpoint> checked = new ArrayList<>();
		Set<String> urls = new HashSet<>();
		for (int i = 0; i < properties.webhooks().size(); i++) {
			Endpoint endpoint = Endpoint.of("chunked-upload.webhooks[" + i + "]", properties.webhooks().get(i));
			if (!urls.add(endpoint.url().toString())) {
				throw new IllegalStateException("chunked-upload.webhooks[" + i + "].url: " + endpoint.url()
						+ " is configured twice; deliveries are kept per URL");
			}
			checked.add(endpoint);
		}
		this.endpoints = List.copyOf(checked);
	}

	/**
	 * The receivers that want events of a type.
	 * @param type the event type
	 * @return those receivers
	 */
	List<Endpoint> wanting(UploadEvent.Type type) {
		return this.endpoints.stream().filter((endpoint) -> endpoint.events().contains(type)).toList();
	}

	/**
	 * The receiver at a URL, if it is still configured.
	 * @param url the URL a delivery was written for
	 * @return the receiver
	 */
	Optional<Endpoint> find(String url) {
		return this.endpoints.stream().filter((endpoint) -> endpoint.url().toString().equals(url)).findFirst();
	}

	/**
	 * One checked receiver.
	 *
	 * @param url where events go
	 * @param key the signing key
	 * @param events the event types it gets
	 */
	record Endpoint(URI url, byte[] key, Set<UploadEvent.Type> events) {

		static Endpoint of(String property, WebhookProperties.Webhook webhook) {
			URI url = checkedUrl(property + ".url", webhook.url());
			byte[] key = WebhookSignature.key(property + ".secret", webhook.secret());
			Set<UploadEvent.Type> events = EnumSet.noneOf(UploadEvent.Type.class);
			for (String name : webhook.events()) {
				events.add(type(property + ".events", name));
			}
			return new Endpoint(url, key, events.isEmpty() ? EnumSet.allOf(UploadEvent.Type.class) : events);
		}

		private static UploadEvent.Type type(String property, String name) {
			String wanted = name.strip().toLowerCase(Locale.ROOT);
			return Arrays.stream(UploadEvent.Type.values())
				.filter((type) -> type.wireName().equals(wanted))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(property + ": unknown event type '" + name + "'; one of "
						+ Arrays.stream(UploadEvent.Type.values())
							.map(UploadEvent.Type::wireName)
							.collect(Collectors.joining(", "))));
		}

	}

	/**
	 * A receiver's or hook's URL, checked.
	 * @param property the property that holds it, for the message
	 * @param value its value
	 * @return the URL
	 * @throws IllegalStateException if it is no absolute http or https URL with a host
	 */
	static URI checkedUrl(String property, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(property + " is required");
		}
		try {
			URI url = new URI(value.strip());
			String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
				throw new IllegalStateException(
						property + ": '" + value + "' is no absolute http or https URL (such as https://host/path)");
			}
			return url;
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(property + ": '" + value + "' is no valid URL: " + ex.getReason());
		}
	}

}
