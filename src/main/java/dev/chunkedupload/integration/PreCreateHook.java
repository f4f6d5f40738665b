package dev.chunkedupload.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.upload.error.UploadRefusedException;
import dev.chunkedupload.upload.model.NewUpload;
import dev.chunkedupload.upload.model.UploadAdmission;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the application's pre-create hook before an upload is created, in every protocol
 * (the core asks each {@link UploadAdmission}). It POSTs
 * {@code {"type": "upload.pre-create", "timestamp", "data": {owner, protocol, filename,
 * size, content_type, metadata, concat}}}; a 2xx lets the upload go on, any other answer
 * refuses it with the hook's message (its JSON {@code message} or {@code detail}, else
 * its text), sanitised and at most {@link #MAX_MESSAGE} characters. A hook that does not
 * answer in time, or cannot be reached, refuses the upload unless {@code fail-open} is
 * set.
 */
class PreCreateHook implements UploadAdmission {

	private static final Logger logger = LoggerFactory.getLogger(PreCreateHook.class);

	static final int MAX_MESSAGE = 300;

	private final URI url;

	private final byte[] key;

	private final PreCreateHookProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	private final HttpClient client;

	PreCreateHook(PreCreateHookProperties properties, JsonMapper json, Clock clock) {
		this.url = WebhookEndpoints.checkedUrl("chunked-upload.hooks.pre-create.url", properties.url());
		this.key = (properties.secret() != null && !properties.secret().isBlank())
				? WebhookSignature.key("chunked-upload.hooks.pre-create.secret", properties.secret()) : null;
		if (properties.timeout().isZero() || properties.timeout().isNegative()) {
			throw new IllegalStateException("chunked-upload.hooks.pre-create.timeout must be positive");
		}
		this.properties = properties;
		this.json = json;
		this.clock = clock;
		this.client = HttpClient.newBuilder()
			.connectTimeout(properties.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	@Override
	public void admit(NewUpload upload) {
		String body = body(upload);
		HttpRequest.Builder request = HttpRequest.newBuilder(this.url)
			.timeout(this.properties.timeout())
			.header("Content-Type", "application/json")
			.header("User-Agent", "chunked-upload-server")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (this.key != null) {
			String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
			long timestamp = this.clock.instant().getEpochSecond();
			request.header(WebhookSignature.ID, id)
				.header(WebhookSignature.TIMESTAMP, String.valueOf(timestamp))
				.header(WebhookSignature.SIGNATURE, WebhookSignature.sign(this.key, id, timestamp, body));
		}
		HttpResponse<InputStream> response;
		String answer;
		try {
			response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
			try (InputStream in = response.body()) {
				answer = new String(in.readNBytes(8192), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			unreachable(upload, ex.getClass().getSimpleName() + ": " + ex.getMessage());
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			unreachable(upload, "interrupted");
			return;
		}
		if (response.statusCode() < 200 || response.statusCode() > 299) {
			String message = message(answer);
			logger.info("The pre-create hook refused an upload of {} ({}): {} {}", upload.owner(),
					upload.details().filename(), response.statusCode(), message);
			throw new UploadRefusedException(message.isEmpty()
					? "The upload was refused (the pre-create hook answered " + response.statusCode() + ")" : message);
		}
	}

	private void unreachable(NewUpload upload, String why) {
		if (this.properties.failOpen()) {
			logger.warn("The pre-create hook could not be asked ({}); upload of {} allowed (fail-open)", why,
					upload.owner());
			return;
		}
		logger.warn("The pre-create hook could not be asked ({}); upload of {} refused", why, upload.owner());
		throw new UploadRefusedException(
				"The upload could not be checked (the pre-create hook did not answer); " + "try again later");
	}

	private String body(NewUpload upload) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("owner", upload.owner());
		data.put("protocol", upload.protocol().name().toLowerCase(Locale.ROOT));
		data.put("filename", upload.details().filename());
		data.put("size", upload.declaredLength());
		data.put("content_type", upload.details().contentType());
		data.put("metadata", metadata(upload.details().clientMetadata()));
		data.put("concat", (upload.details().concatRole() != null)
				? upload.details().concatRole().name().toLowerCase(Locale.ROOT) : null);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "upload.pre-create");
		body.put("timestamp", Instant.now(this.clock));
		body.put("data", data);
		return this.json.writeValueAsString(body);
	}

	/**
	 * The client's metadata as a map: tus's {@code key base64,key base64} decoded (its
	 * adapter checked the form), keys without a value as empty strings.
	 */
	static Map<String, String> metadata(String raw) {
		Map<String, String> metadata = new LinkedHashMap<>();
		if (raw == null || raw.isBlank()) {
			return metadata;
		}
		for (String pair : raw.split(",")) {
			String[] parts = pair.strip().split(" ", 2);
			if (parts[0].isEmpty()) {
				continue;
			}
			try {
				metadata.put(parts[0], (parts.length > 1)
						? new String(Base64.getDecoder().decode(parts[1].strip()), StandardCharsets.UTF_8) : "");
			}
			catch (IllegalArgumentException ex) {
				metadata.put(parts[0], parts[1]);
			}
		}
		return metadata;
	}

	/** The hook's reason: JSON {@code message} or {@code detail}, else its text. */
	private String message(String answer) {
		String text = answer;
		try {
			JsonNode node = this.json.readTree(answer);
			for (String field : new String[] { "message", "detail" }) {
				if (node != null && node.isObject() && node.path(field).isString()) {
					text = node.path(field).asString();
					break;
				}
			}
		}
		catch (JacksonException ex) {
			// Not JSON: the text is the message.
		}
		return Sanitised.text(text, MAX_MESSAGE);
	}

}
