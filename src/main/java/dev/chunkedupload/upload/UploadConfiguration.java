package dev.chunkedupload.upload;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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

	static final String HASH_EXECUTOR = "uploadHashExecutor";

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * Threads that hash chunks beside the request threads; one per chunk being written,
	 * so it grows with the request threads and shrinks when idle.
	 */
	@Bean(name = HASH_EXECUTOR, destroyMethod = "shutdown")
	ExecutorService uploadHashExecutor() {
		AtomicInteger count = new AtomicInteger();
		return Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "upload-hash-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean
	ChunkStore chunkStore(UploadProperties properties) {
		return new FileSystemChunkStore(properties.dataDir(), properties.fsync(), properties.flushEvery().toBytes(),
				Math.toIntExact(properties.directIoBuffer().toBytes()));
	}

}
