package dev.chunkedupload.integration;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: secrets are {@code whsec_} followed by the base64 of 24 to
 * 64 random bytes, and {@code webhook-signature} is {@code v1,} followed by the base64
 * HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>} under that key.
 */
final class WebhookSignature {

	static final String SECRET_PREFIX = "whsec_";

	static final String ID = "webhook-id";

	static final String TIMESTAMP = "webhook-timestamp";

	static final String SIGNATURE = "webhook-signature";

	private WebhookSignature() {
	}

	/**
	 * The key of a secret.
	 * @param property the property that holds it, for the message
	 * @param secret {@code whsec_<base64>}
	 * @return the key bytes
	 * @throws IllegalStateException if the secret is not of that form
	 */
	static byte[] key(String property, String secret) {
		String hint = " (Standard Webhooks: whsec_ followed by the base64 of 24 to 64 random bytes, for example "
				+ "whsec_$(head -c 32 /dev/urandom | base64))";
		if (secret == null || secret.isBlank()) {
			throw new IllegalStateException(property + " is required" + hint);
		}
		if (!secret.startsWith(SECRET_PREFIX)) {
			throw new IllegalStateException(property + " must start with " + SECRET_PREFIX + hint);
		}
		byte[] key;
		try {
			key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()).strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + " is not valid base64 after " + SECRET_PREFIX + hint);
		}
		if (key.length < 24 || key.length > 64) {
			throw new IllegalStateException(property + " holds " + key.length + " bytes" + hint);
		}
		return key;
	}

	/**
	 * The {@code webhook-signature} value of a message.
	 * @param key the secret's key
	 * @param id the {@code webhook-id}
	 * @param timestamp the {@code webhook-timestamp}, seconds since the epoch
	 * @param body the body, exactly as sent
	 * @return {@code v1,<base64>}
	 */
	static String sign(byte[] key, String id, long timestamp, String body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
