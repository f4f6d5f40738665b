package dev.chunkedupload.upload.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The core's meters. Every meter with a protocol tag is registered for every protocol at
 * start, so a dashboard's {@code rate()} has a series from the first scrape on, and the
 * hot path only increments meters it already holds (no lookup by name and tags per
 * chunk). Names are Micrometer's dotted ones; Prometheus shows
 * {@code chunked_upload.bytes.received} as {@code chunked_upload_bytes_received_total}.
 */
@Component
public class UploadMetrics {

	private static final Logger logger = LoggerFactory.getLogger(UploadMetrics.class);

	/**
	 * How long the count of active uploads is reused, so probes and scrapes stay cheap.
	 */
	static final Duration ACTIVE_COUNT_TTL = Duration.ofSeconds(10);

	private final Map<UploadProtocol, Counter> bytesReceived = new EnumMap<>(UploadProtocol.class);

	private final Map<UploadProtocol, Map<ChunkOutcome, Counter>> chunks = new EnumMap<>(UploadProtocol.class);

	private final Map<UploadProtocol, Timer> chunkDurations = new EnumMap<>(UploadProtocol.class);

	private final Map<UploadProtocol, Counter> completed = new EnumMap<>(UploadProtocol.class);

	private final Timer storageWrite;

	private final Timer storageSync;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final MeterRegistry registry;

	private final UploadRepository uploads;

	private final Clock clock;

	private final Object activeLock = new Object();

	private long activeCount = -1;

	private long activeCountedAt;

	UploadMetrics(ObjectProvider<MeterRegistry> registry, StorageProperties storage, UploadRepository uploads,
			Clock clock) {
		// The application always has a registry (the actuator's); slices that run the
		// core alone get a private one instead of failing to start.
		this.registry = registry.getIfAvailable(SimpleMeterRegistry::new);
		this.uploads = uploads;
		this.clock = clock;
		for (UploadProtocol protocol : UploadProtocol.values()) {
			String tag = protocol.name().toLowerCase(Locale.ROOT);
			this.bytesReceived.put(protocol,
					Counter.builder("chunked_upload.bytes.received")
						.description("Bytes of request bodies stored as parts of uploads")
						.tag("protocol", tag)
						.register(this.registry));
			Map<ChunkOutcome, Counter> outcomes = new EnumMap<>(ChunkOutcome.class);
			for (ChunkOutcome outcome : ChunkOutcome.values()) {
				outcomes.put(outcome,
						Counter.builder("chunked_upload.chunks")
							.description("Chunks the core handled, by what became of them")
							.tag("protocol", tag)
							.tag("outcome", outcome.tag())
							.register(this.registry));
			}
			this.chunks.put(protocol, outcomes);
			this.chunkDurations.put(protocol,
					Timer.builder("chunked_upload.chunk.duration")
						.description("Time to store a chunk: write, sync and record (stored chunks only)")
						.tag("protocol", tag)
						.publishPercentileHistogram()
						.minimumExpectedValue(Duration.ofMillis(1))
						.maximumExpectedValue(Duration.ofMinutes(10))
						.register(this.registry));
			this.completed.put(protocol,
					Counter.builder("chunked_upload.uploads.completed")
						.description("Uploads completed")
						.tag("protocol", tag)
						.register(this.registry));
		}
		String store = storage.type().name().toLowerCase(Locale.ROOT);
		this.storageWrite = storeTimer("chunked_upload.storage.write",
				"Time the store took to take one buffer of a piece (up to 256 KiB)", store);
		this.storageSync = storeTimer("chunked_upload.storage.sync",
				"Time the store took to make a piece durable before it was acknowledged", store);
		Gauge.builder("chunked_upload.uploads.active", this, UploadMetrics::activeUploads)
			.description("Uploads begun and neither complete, aborted nor expired (all instances; refreshed every "
					+ ACTIVE_COUNT_TTL.toSeconds() + " s)")
			.register(this.registry);
		Gauge.builder("chunked_upload.chunks.in_flight", this.inFlight, AtomicInteger::get)
			.description("Chunks this instance is storing right now")
			.register(this.registry);
	}

	private Timer storeTimer(String name, String description, String store) {
		return Timer.builder(name)
			.description(description)
			.tag("store", store)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofNanos(100_000))
			.maximumExpectedValue(Duration.ofMinutes(1))
			.register(this.registry);
	}

	/**
	 * Store a chunk, timed and counted by its outcome.
	 * @param <T> what storing it returns
	 * @param protocol the upload's protocol
	 * @param write stores the chunk
	 * @param outcome what became of a chunk that was stored without an exception, or
	 * {@code null} if the request carried no chunk (a creation without bytes)
	 * @return what {@code write} returned
	 */
	public <T> T chunk(UploadProtocol protocol, Supplier<T> write, Function<T, ChunkOutcome> outcome) {
		long started = this.registry.config().clock().monotonicTime();
		this.inFlight.incrementAndGet();
		try {
			T result = write.get();
			ChunkOutcome ended = outcome.apply(result);
			if (ended != null) {
				this.chunks.get(protocol).get(ended).increment();
			}
			if (ended == ChunkOutcome.STORED) {
				this.chunkDurations.get(protocol)
					.record(this.registry.config().clock().monotonicTime() - started, TimeUnit.NANOSECONDS);
			}
			return result;
		}
		catch (RuntimeException ex) {
			this.chunks.get(protocol).get(ChunkOutcome.of(ex)).increment();
			throw ex;
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	/**
	 * Store a chunk of a sequential upload, timed and counted: a request that moved no
	 * bytes (a creation without any, a length declaration) is no chunk.
	 * @param protocol the upload's protocol
	 * @param offset the upload's offset before the chunk
	 * @param write stores the chunk
	 * @return the upload after the chunk
	 */
	public ChunkedUpload sequential(UploadProtocol protocol, long offset, Supplier<ChunkedUpload> write) {
		return chunk(protocol, write, (after) -> (after.getOffset() > offset) ? ChunkOutcome.STORED : null);
	}

	/**
	 * Count bytes of a request body that are now durable parts of an upload.
	 * @param protocol the upload's protocol
	 * @param bytes how many
	 */
	public void received(UploadProtocol protocol, long bytes) {
		if (bytes > 0) {
			this.bytesReceived.get(protocol).increment(bytes);
		}
	}

	/**
	 * Count an upload's one completion.
	 * @param protocol its protocol
	 */
	public void completed(UploadProtocol protocol) {
		this.completed.get(protocol).increment();
	}

	/**
	 * Record how long the store took to take one buffer.
	 * @param nanos the time
	 */
	public void storageWrite(long nanos) {
		this.storageWrite.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Record how long the store took to make a piece durable.
	 * @param nanos the time
	 */
	public void storageSync(long nanos) {
		this.storageSync.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A monotonic time for {@link #storageWrite} and {@link #storageSync}.
	 * @return nanoseconds from an arbitrary origin
	 */
	public long now() {
		return this.registry.config().clock().monotonicTime();
	}

	/**
	 * The count of active uploads, from the database at most every
	 * {@link #ACTIVE_COUNT_TTL}; NaN while the database cannot answer.
	 */
	private double activeUploads() {
		synchronized (this.activeLock) {
			long now = now();
			if (this.activeCount < 0 || now - this.activeCountedAt >= ACTIVE_COUNT_TTL.toNanos()) {
				try {
					this.activeCount = this.uploads.countByStatusAndExpiresAtAfter(UploadStatus.UPLOADING,
							this.clock.instant());
					this.activeCountedAt = now;
				}
				catch (RuntimeException ex) {
					logger.debug("Cannot count the active uploads", ex);
					this.activeCount = -1;
					return Double.NaN;
				}
			}
			return this.activeCount;
		}
	}

}
