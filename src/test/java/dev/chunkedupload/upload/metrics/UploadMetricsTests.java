package dev.chunkedupload.upload.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.model.UploadProtocol;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The outcome each way a chunk can end is counted under, on a real registry: exceptions
 * pass through unchanged, only stored chunks are timed, nothing stays in flight.
 */
class UploadMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final UploadMetrics metrics = metrics(this.registry);

	@Test
	void chunkWhenEndedEachWayThenCountedByOutcomeAndOnlyStoredOnesTimed() {
		this.metrics.chunk(UploadProtocol.TUS, () -> "stored", (result) -> ChunkOutcome.STORED);
		this.metrics.chunk(UploadProtocol.TUS, () -> "again", (result) -> ChunkOutcome.DUPLICATE);
		this.metrics.chunk(UploadProtocol.TUS, () -> "creation", (result) -> null);
		OffsetMismatchException refused = new OffsetMismatchException(5, 0);
		assertThatExceptionOfType(OffsetMismatchException.class)
			.isThrownBy(() -> this.metrics.chunk(UploadProtocol.TUS, () -> {
				throw refused;
			}, (result) -> ChunkOutcome.STORED))
			.isSameAs(refused);
		assertThatExceptionOfType(ChunkInterruptedException.class)
			.isThrownBy(() -> this.metrics.chunk(UploadProtocol.TUS, () -> {
				throw new ChunkInterruptedException("broke off", new IOException("reset"));
			}, (result) -> ChunkOutcome.STORED));
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.metrics.chunk(UploadProtocol.TUS, () -> {
				throw new StorageException("disk", new UncheckedIOException(new IOException("full")));
			}, (result) -> ChunkOutcome.STORED));

		assertThat(count("stored")).isEqualTo(1);
		assertThat(count("duplicate")).isEqualTo(1);
		assertThat(count("refused")).isEqualTo(1);
		assertThat(count("interrupted")).isEqualTo(1);
		assertThat(count("failed")).isEqualTo(1);
		assertThat(this.registry.get("chunked_upload.chunks").tag("protocol", "chunked").counters())
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(this.registry.get("chunked_upload.chunk.duration").tag("protocol", "tus").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.get("chunked_upload.chunks.in_flight").gauge().value()).isZero();
	}

	@Test
	void receivedAndCompletedWhenRecordedThenCountedPerProtocolAndStoreTimersTaggedWithTheStore() {
		this.metrics.received(UploadProtocol.RUFH, 1000);
		this.metrics.received(UploadProtocol.RUFH, 0);
		this.metrics.completed(UploadProtocol.RESUMABLE);
		this.metrics.storageSync(2_000_000);
		assertThat(this.registry.get("chunked_upload.bytes.received").tag("protocol", "rufh").counter().count())
			.isEqualTo(1000);
		assertThat(this.registry.get("chunked_upload.uploads.completed").tag("protocol", "resumable").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("chunked_upload.storage.sync").tag("store", "filesystem").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.get("chunked_upload.storage.write").tag("store", "filesystem").timer().count())
			.isZero();
	}

	private double count(String outcome) {
		return this.registry.get("chunked_upload.chunks").tags("protocol", "tus", "outcome", outcome).counter().count();
	}

	private static UploadMetrics metrics(MeterRegistry registry) {
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerSingleton("registry", registry);
		StorageProperties storage = new Binder(new MapConfigurationPropertySource())
			.bindOrCreate("chunked-upload.storage", Bindable.of(StorageProperties.class));
		// The active-uploads gauge asks the repository only when read, which no test
		// here does.
		return new UploadMetrics(beans.getBeanProvider(MeterRegistry.class), storage, null, Clock.systemUTC());
	}

}
