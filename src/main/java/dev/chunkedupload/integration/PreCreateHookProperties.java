package dev.chunkedupload.integration;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The synchronous pre-create hook, {@code chunked-upload.hooks.pre-create.*}: off unless
 * a URL is set.
 *
 * @param url where the server POSTs what it knows of an upload before creating it
 * @param timeout how long the hook may take (connecting and answering together)
 * @param failOpen whether an upload goes ahead when the hook cannot be asked (no answer
 * in time, no connection); by default it is refused
 * @param secret an optional signing secret ({@code whsec_<base64>}): the request then
 * carries Standard Webhooks headers, as webhooks do
 */
@Validated
@ConfigurationProperties("chunked-upload.hooks.pre-create")
public record PreCreateHookProperties(String url, @DefaultValue("5s") @NotNull Duration timeout,
		@DefaultValue("false") boolean failOpen, String secret) {

}
