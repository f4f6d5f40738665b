package dev.chunkedupload.testsupport;

import java.time.Clock;
import java.util.UUID;

import software.amazon.awssdk.services.s3.S3Client;

import dev.chunkedupload.storage.s3.S3UploadStore;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * S3 stores for tests that run the core or the server on S3: a fresh bucket on the shared
 * in-process S3 server, the store's records in the test's own database.
 */
public final class S3Stores {

	private S3Stores() {
	}

	/**
	 * A store on a new bucket, with S3's smallest part size so that tests cross parts.
	 * @param jdbc the test's database
	 * @param transaction transactions on it
	 * @return the store
	 * @throws Exception if the S3 server cannot start
	 */
	public static S3UploadStore store(JdbcTemplate jdbc, TransactionTemplate transaction) throws Exception {
		S3Client client = S3Server.shared().client();
		String bucket = "uploads-" + UUID.randomUUID().toString().substring(0, 8);
		client.createBucket((request) -> request.bucket(bucket));
		return S3UploadStore.create(client, bucket, "", jdbc, transaction, 5L * 1024 * 1024, 50L * 1000 * 1000 * 1000,
				Clock.systemUTC());
	}

}
