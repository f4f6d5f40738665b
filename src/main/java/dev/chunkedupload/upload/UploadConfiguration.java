package dev.chunkedupload.upload;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Wires the core: the one {@link Clock} everything reads time from (tests replace it to
 * move time instead of sleeping), and the schedule that the sweeps run on.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class UploadConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
