package dev.chunkedupload.testsupport;

import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.quota.QuotaProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;

/**
 * The whole upload core and its store, for slice tests ({@code @DataJpaTest}) that run
 * the core against a real database without the web layer. A test configuration, so the
 * application's own scan never picks it up, and its scan leaves out test components
 * (another test's store) as the application's does.
 */
@TestConfiguration(proxyBeanMethods = false)
@ComponentScan(basePackages = { "dev.chunkedupload.upload", "dev.chunkedupload.storage" },
		excludeFilters = @Filter(type = FilterType.ANNOTATION, classes = TestComponent.class))
@EnableConfigurationProperties({ UploadProperties.class, StorageProperties.class, QuotaProperties.class })
public class CoreTestConfiguration {

}
