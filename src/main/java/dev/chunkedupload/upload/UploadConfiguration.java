package dev.chunkedupload.upload;

import java.time.Clock;

import dev.chunkedupload.storage.ChunkStore;
import dev.chunkedupload.storage.FileSystemChunkStore;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Wires the core: the one {@link Clock} everything reads time from (tests replace it to
 * move time instead of sleeping) and the byte store.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class UploadConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	ChunkStore chunkStore(UploadProperties properties) {
		return new FileSystemChunkStore(properties.dataDir(), properties.fsync(), properties.flushEvery().toBytes());
	}

}
