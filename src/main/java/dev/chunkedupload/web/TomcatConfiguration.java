package dev.chunkedupload.web;

import org.apache.coyote.http11.AbstractHttp11Protocol;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's connector as uploads need it.
 * <p>
 * Tomcat reads request bodies through a per-connection buffer of 8 KiB by default: about
 * a thousand {@code read} calls for every 8 MiB chunk. A 64 KiB buffer cuts that
 * eightfold for little memory per connection. The buffer is direct: the JDK reads a
 * socket into a heap buffer through a temporary direct one, copying every byte of every
 * body once more.
 * <p>
 * A client that stops sending in the middle of a body holds a request thread and the
 * upload's lease. Tomcat's upload timeout (off by default, when body reads wait as long
 * as the connection timeout) cuts it after {@code chunked-upload.http.body-idle-timeout}
 * without a byte; the read fails, the protocol keeps or drops what arrived, and the lease
 * goes with the request.
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

	static final int READ_BUFFER_SIZE = 64 * 1024;

	@Bean
	TomcatConnectorCustomizer largeReadBuffer() {
		return (connector) -> {
			connector.setProperty("socket.appReadBufSize", String.valueOf(READ_BUFFER_SIZE));
			connector.setProperty("socket.directBuffer", "true");
		};
	}

	@Bean
	TomcatConnectorCustomizer bodyIdleTimeout(ConnectionProperties properties) {
		return (connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
				http.setDisableUploadTimeout(false);
				http.setConnectionUploadTimeout(Math.toIntExact(properties.bodyIdleTimeout().toMillis()));
			}
		};
	}

}
