package dev.chunkedupload.protocol.resumable;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.s3.S3UploadStore;
import dev.chunkedupload.testsupport.StoredUploads;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link ResumableIntegrationTests} once more with the bytes in a bucket of
 * an S3 server in the test JVM instead of on the file system.
 */
class ResumableOnS3IntegrationTests extends ResumableIntegrationTests {

	@DynamicPropertySource
	static void s3(DynamicPropertyRegistry registry) {
		StoredUploads.registerS3(registry);
	}

	@Test
	void storeWhenStartedThenS3() {
		assertThat(this.context.getBean(UploadStore.class)).isInstanceOf(S3UploadStore.class);
	}

}
