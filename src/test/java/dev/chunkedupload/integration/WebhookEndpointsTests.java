package dev.chunkedupload.integration;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.integration.WebhookProperties.Webhook;
import dev.chunkedupload.upload.model.UploadEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The webhook configuration is checked at start-up, with messages that name the property
 * and say what is expected.
 */
class WebhookEndpointsTests {

	static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	@Test
	void endpointsWhenValidThenEventsDefaultToAll() {
		WebhookEndpoints endpoints = new WebhookEndpoints(
				new WebhookProperties(List.of(new Webhook("https://crm.example/hooks", SECRET, List.of()),
						new Webhook("http://127.0.0.1:9000/h", SECRET, List.of(" Upload.Completed ")))));
		assertThat(endpoints.wanting(UploadEvent.Type.CREATED)).extracting((e) -> e.url().toString())
			.containsExactly("https://crm.example/hooks");
		assertThat(endpoints.wanting(UploadEvent.Type.COMPLETED)).hasSize(2);
		assertThat(endpoints.find("http://127.0.0.1:9000/h")).isPresent();
		assertThat(endpoints.find("http://elsewhere/")).isEmpty();
	}

	@Test
	void urlWhenMissingRelativeOrNotHttpThenAClearMessage() {
		assertThatIllegalStateException().isThrownBy(() -> endpoints(new Webhook(null, SECRET, List.of())))
			.withMessage("chunked-upload.webhooks[0].url is required");
		assertThatIllegalStateException().isThrownBy(() -> endpoints(new Webhook("/hooks", SECRET, List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[0].url: '/hooks' is no absolute http or https URL");
		assertThatIllegalStateException().isThrownBy(() -> endpoints(new Webhook("ftp://host/x", SECRET, List.of())))
			.withMessageContaining("is no absolute http or https URL");
		assertThatIllegalStateException().isThrownBy(() -> endpoints(new Webhook("http://host/a b", SECRET, List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[0].url: 'http://host/a b' is no valid URL");
	}

	@Test
	void secretWhenMissingUnprefixedNotBase64OrTooShortThenAClearMessage() {
		assertThatIllegalStateException().isThrownBy(() -> endpoints(new Webhook("http://h/", null, List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[0].secret is required (Standard Webhooks: whsec_");
		assertThatIllegalStateException()
			.isThrownBy(() -> endpoints(new Webhook("http://h/", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[0].secret must start with whsec_");
		assertThatIllegalStateException()
			.isThrownBy(() -> endpoints(new Webhook("http://h/", "whsec_not*base64", List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[0].secret is not valid base64");
		assertThatIllegalStateException()
			.isThrownBy(() -> endpoints(new Webhook("http://h/", "whsec_c2hvcnQ=", List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[0].secret holds 5 bytes");
	}

	@Test
	void eventsWhenUnknownOrUrlTwiceThenAClearMessage() {
		assertThatIllegalStateException()
			.isThrownBy(() -> endpoints(new Webhook("http://h/", SECRET, List.of("upload.finished"))))
			.withMessage("chunked-upload.webhooks[0].events: unknown event type 'upload.finished'; one of "
					+ "upload.created, upload.completed, upload.deleted, upload.expired");
		assertThatIllegalStateException()
			.isThrownBy(() -> endpoints(new Webhook("http://h/", SECRET, List.of()),
					new Webhook("http://h/", SECRET, List.of())))
			.withMessageStartingWith("chunked-upload.webhooks[1].url: http://h/ is configured twice");
	}

	@Test
	void signatureWhenComputedThenTheStandardWebhooksExample() {
		// The example of the Standard Webhooks specification's reference libraries.
		byte[] key = WebhookSignature.key("s", SECRET);
		assertThat(WebhookSignature.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
			.isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	private static WebhookEndpoints endpoints(Webhook... webhooks) {
		return new WebhookEndpoints(new WebhookProperties(List.of(webhooks)));
	}

}
