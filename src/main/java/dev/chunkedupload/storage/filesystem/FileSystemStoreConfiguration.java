package dev.chunkedupload.storage.filesystem;

import dev.chunkedupload.storage.StorageProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The file-system store, unless another {@code chunked-upload.storage.type} is chosen.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chunked-upload.storage.type", havingValue = "filesystem", matchIfMissing = true)
class FileSystemStoreConfiguration {

	@Bean
	FileSystemUploadStore uploadStore(StorageProperties properties) {
		StorageProperties.Filesystem settings = properties.filesystem();
		return new FileSystemUploadStore(settings.root(), settings.fsync(), settings.flushEvery().toBytes(),
				Math.toIntExact(settings.directIoBuffer().toBytes()));
	}

	/**
	 * Named so that readiness includes it as {@code uploadStore}, whichever store runs.
	 */
	@Bean
	FileSystemStoreHealthIndicator uploadStoreHealthIndicator(StorageProperties properties) {
		return new FileSystemStoreHealthIndicator(properties.filesystem().root(),
				properties.filesystem().minFreeSpace());
	}

}
