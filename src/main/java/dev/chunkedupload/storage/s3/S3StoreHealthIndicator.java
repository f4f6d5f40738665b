package dev.chunkedupload.storage.s3;

import java.time.Duration;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the bucket answers: one {@code HeadBucket}, its answer reused for a few seconds
 * ({@code chunked-upload.storage.s3.health-check-cache}) so that probes from every
 * balancer and orchestrator do not each cost a request to S3. A bucket that cannot be
 * reached, or is gone, or refuses the credentials is {@code DOWN}.
 */
class S3StoreHealthIndicator implements HealthIndicator {

	/**
	 * A bucket that does not answer within this time is down: a probe must answer sooner
	 * than orchestrators give up on it, not after the SDK's retries.
	 */
	static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

	private final S3Client client;

	private final String bucket;

	private final long cacheNanos;

	private Health last;

	private long checkedAt;

	S3StoreHealthIndicator(S3Client client, String bucket, Duration cache) {
		this.client = client;
		this.bucket = bucket;
		this.cacheNanos = cache.toNanos();
	}

	@Override
	public synchronized Health health() {
		long now = System.nanoTime();
		if (this.last == null || now - this.checkedAt >= this.cacheNanos) {
			this.last = check();
			this.checkedAt = System.nanoTime();
		}
		return this.last;
	}

	private Health check() {
		Health.Builder health = Health.unknown().withDetail("type", "s3").withDetail("bucket", this.bucket);
		try {
			this.client.headBucket((request) -> request.bucket(this.bucket)
				.overrideConfiguration((call) -> call.apiCallTimeout(CALL_TIMEOUT)));
			return health.up().build();
		}
		catch (SdkException ex) {
			return health.down().withDetail("error", ex.getClass().getSimpleName() + ": " + ex.getMessage()).build();
		}
	}

}
