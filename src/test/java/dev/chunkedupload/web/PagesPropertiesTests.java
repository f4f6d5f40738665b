package dev.chunkedupload.web;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class PagesPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

	@Test
	void propertiesWhenNothingSetThenDefaults() {
		this.runner.run((context) -> {
			PagesProperties properties = context.getBean(PagesProperties.class);
			assertThat(properties.chunkSize()).isEqualTo(DataSize.ofMegabytes(16));
			assertThat(properties.parallelUploads()).isEqualTo(3);
			assertThat(properties.adminPageRows()).isEqualTo(500);
		});
	}

	@Test
	void propertiesWhenChunkSizeZeroThenRefused() {
		this.runner.withPropertyValues("chunked-upload.web.chunk-size=0")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("chunk-size must be at least"));
	}

	@Test
	void propertiesWhenMoreParallelUploadsThanBrowsersAllowThenRefused() {
		this.runner.withPropertyValues("chunked-upload.web.parallel-uploads=7")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(PagesProperties.class)
	static class Config {

	}

}
