package dev.chunkedupload.upload.numbered;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.s3.S3UploadStore;
import dev.chunkedupload.testsupport.H2TestDatabase;
import dev.chunkedupload.testsupport.S3Stores;
import dev.chunkedupload.upload.write.StorageService;

import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every numbered-chunk test again on the S3 store (an S3 server in the test JVM): chunks
 * staged as objects of their own, the MD5 carried over them, completion joining them into
 * a multipart upload, attachments copied.
 */
@H2TestDatabase
class NumberedUploadServiceOnS3Tests extends AbstractNumberedUploadServiceTests {

	@Autowired
	private StorageService storage;

	@Autowired
	private UploadStore store;

	@Test
	void storeWhenInjectedThenTheCoreWritesToS3() {
		assertThat(this.store).isInstanceOf(S3UploadStore.class);
		assertThat(this.storage.newKey(Instant.parse("2026-12-01T00:00:00Z"), "abc"))
			.isEqualTo("uploads/2026/12/01/abc");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class OnS3 {

		@Bean
		@Primary
		UploadStore s3Store(JdbcTemplate jdbc, TransactionTemplate transaction) throws Exception {
			return S3Stores.store(jdbc, transaction);
		}

	}

}
