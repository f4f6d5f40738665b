package dev.chunkedupload.web;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long the server waits for a client that stopped sending.
 *
 * @param bodyIdleTimeout how long a request body may deliver no byte before its
 * connection is cut; what arrived before is kept or dropped by the protocol's rules, and
 * the upload's lease is released at once. Tomcat's {@code connection-timeout} governs the
 * request line and headers and idle keep-alive connections, this one every read of a body
 */
@Validated
@ConfigurationProperties("chunked-upload.http")
record ConnectionProperties(@DefaultValue("30s") @NotNull Duration bodyIdleTimeout) {

}
