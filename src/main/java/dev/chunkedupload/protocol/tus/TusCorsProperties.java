package dev.chunkedupload.protocol.tus;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Cross-origin access to the tus endpoints, for pages served elsewhere that upload here
 * with tus-js-client or Uppy. Off unless origins are listed.
 *
 * @param allowedOrigins origins allowed to call {@code /api/tus}, such as
 * {@code https://app.example.com}; patterns such as {@code https://*.example.com} are
 * allowed; empty (the default) allows none
 * @param maxAge how long a browser may cache a preflight answer
 */
@Validated
@ConfigurationProperties("chunked-upload.cors")
record TusCorsProperties(@DefaultValue List<String> allowedOrigins, @DefaultValue("1h") @NotNull Duration maxAge) {

}
