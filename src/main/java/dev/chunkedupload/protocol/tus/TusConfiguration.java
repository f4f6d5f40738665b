package dev.chunkedupload.protocol.tus;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * What tus needs from the web layer: the filter for method overrides and
 * {@code Tus-Resumable}, Tomcat's permission to read the {@code Upload-Checksum} trailer,
 * and CORS for {@code /api/tus} when origins are configured (security applies it, before
 * authentication, so that preflights pass and error answers are readable).
 */
@Configuration(proxyBeanMethods = false)
class TusConfiguration implements WebMvcConfigurer {

	/** What tus-js-client and Uppy send, and what a session page adds. */
	static final String[] ALLOWED_HEADERS = { "Authorization", "Content-Type", "Tus-Resumable", "Upload-Length",
			"Upload-Defer-Length", "Upload-Offset", "Upload-Metadata", "Upload-Concat", "Upload-Checksum",
			"X-HTTP-Method-Override", "X-Requested-With", "X-Request-ID", "X-CSRF-TOKEN" };

	/** What tus clients read from answers. */
	static final String[] EXPOSED_HEADERS = { "Location", "Upload-Offset", "Upload-Length", "Upload-Defer-Length",
			"Upload-Metadata", "Upload-Expires", "Upload-Concat", "Tus-Resumable", "Tus-Version", "Tus-Extension",
			"Tus-Max-Size", "Tus-Checksum-Algorithm" };

	private final TusCorsProperties cors;

	TusConfiguration(TusCorsProperties cors) {
		this.cors = cors;
	}

	@Bean
	FilterRegistrationBean<TusProtocolFilter> tusProtocolFilter() {
		FilterRegistrationBean<TusProtocolFilter> registration = new FilterRegistrationBean<>(new TusProtocolFilter());
		registration.addUrlPatterns(TusController.PATH, TusController.PATH + "/*");
		registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
		return registration;
	}

	/** Tomcat drops every trailer it was not told to keep. */
	@Bean
	TomcatConnectorCustomizer tusChecksumTrailer() {
		return (connector) -> connector.setProperty("allowedTrailerHeaders", "upload-checksum");
	}

	@Override
	public void addCorsMappings(CorsRegistry registry) {
		if (this.cors.allowedOrigins().isEmpty()) {
			return;
		}
		registry.addMapping(TusController.PATH + "/**")
			.allowedOriginPatterns(this.cors.allowedOrigins().toArray(String[]::new))
			.allowedMethods("POST", "HEAD", "PATCH", "DELETE", "OPTIONS")
			.allowedHeaders(ALLOWED_HEADERS)
			.exposedHeaders(EXPOSED_HEADERS)
			.allowCredentials(false)
			.maxAge(this.cors.maxAge().toSeconds());
	}

}
