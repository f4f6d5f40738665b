package dev.chunkedupload.storage.s3;

import java.time.Duration;

import software.amazon.awssdk.services.s3.S3Client;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.S3Server;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 store's readiness check against a real S3 server of its own, which the test
 * stops: the bucket's answer, a missing bucket, and the cached answer that spares S3 a
 * request per probe.
 */
class S3StoreHealthIndicatorTests {

	@Test
	void healthWhenServerStopsThenDownUnlessTheLastAnswerIsStillCached() throws Exception {
		S3Server server = S3Server.start();
		try (S3Client client = server.client()) {
			client.createBucket((request) -> request.bucket("probed"));
			S3StoreHealthIndicator uncached = new S3StoreHealthIndicator(client, "probed", Duration.ZERO);
			S3StoreHealthIndicator cached = new S3StoreHealthIndicator(client, "probed", Duration.ofHours(1));
			assertThat(uncached.health().getStatus()).isEqualTo(Status.UP);
			assertThat(cached.health().getStatus()).isEqualTo(Status.UP);

			server.close();

			Health down = uncached.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails()).containsEntry("bucket", "probed").containsKey("error");
			assertThat(cached.health().getStatus()).isEqualTo(Status.UP);
		}
		finally {
			server.close();
		}
	}

	@Test
	void healthWhenBucketIsMissingThenDown() throws Exception {
		try (S3Client client = S3Server.shared().client()) {
			assertThat(new S3StoreHealthIndicator(client, "no-such-bucket", Duration.ZERO).health().getStatus())
				.isEqualTo(Status.DOWN);
		}
	}

}
