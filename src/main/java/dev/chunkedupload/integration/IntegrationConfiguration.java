package dev.chunkedupload.integration;

import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The pre-create hook, only when its URL is set.
 */
@Configuration(proxyBeanMethods = false)
class IntegrationConfiguration {

	/**
	 * Asked after the server's own checks (quotas), so a hook only sees uploads the
	 * server would take.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	@ConditionalOnProperty("chunked-upload.hooks.pre-create.url")
	PreCreateHook preCreateHook(PreCreateHookProperties properties, JsonMapper json, Clock clock) {
		return new PreCreateHook(properties, json, clock);
	}

}
