package dev.chunkedupload.protocol.rufh;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS for {@code /api/rufh}, from the same {@code chunked-upload.cors.*} settings as tus
 * (security applies it before authentication, so that preflights pass and error answers
 * are readable). Off unless origins are configured.
 */
@Configuration(proxyBeanMethods = false)
class RufhConfiguration implements WebMvcConfigurer {

	/** What tus-js-client's ietf-draft modes and a session page send. */
	static final String[] ALLOWED_HEADERS = { "Authorization", "Content-Type", "Content-Disposition",
			InteropVersion.HEADER, Rufh.UPLOAD_OFFSET, Rufh.UPLOAD_COMPLETE, Rufh.UPLOAD_INCOMPLETE, Rufh.UPLOAD_LENGTH,
			"X-Requested-With", "X-Request-ID", "X-CSRF-TOKEN" };

	/** What clients read from answers. */
	static final String[] EXPOSED_HEADERS = { "Location", InteropVersion.HEADER, Rufh.UPLOAD_OFFSET,
			Rufh.UPLOAD_COMPLETE, Rufh.UPLOAD_INCOMPLETE, Rufh.UPLOAD_LENGTH, Rufh.UPLOAD_LIMIT };

	private final List<String> origins;

	private final Duration maxAge;

	/**
	 * The settings belong to tus's properties record; they are read here rather than
	 * through it, as a protocol package may not use another's classes.
	 */
	RufhConfiguration(Environment environment) {
		Binder binder = Binder.get(environment);
		this.origins = binder.bind("chunked-upload.cors.allowed-origins", Bindable.listOf(String.class))
			.orElse(List.of());
		this.maxAge = binder.bind("chunked-upload.cors.max-age", Duration.class).orElse(Duration.ofHours(1));
	}

	@Override
	public void addCorsMappings(CorsRegistry registry) {
		if (this.origins.isEmpty()) {
			return;
		}
		registry.addMapping(Rufh.PATH + "/**")
			.allowedOriginPatterns(this.origins.toArray(String[]::new))
			.allowedMethods("POST", "HEAD", "PATCH", "DELETE", "OPTIONS")
			.allowedHeaders(ALLOWED_HEADERS)
			.exposedHeaders(EXPOSED_HEADERS)
			.allowCredentials(false)
			.maxAge(this.maxAge.toSeconds());
	}

}
