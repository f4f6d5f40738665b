package dev.chunkedupload.storage.s3;

import java.time.Clock;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import software.amazon.awssdk.services.s3.S3Client;

import dev.chunkedupload.testsupport.S3Server;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * S3 stores for tests: an in-process S3 server with a fresh bucket, and the store's
 * records in a fresh in-memory database migrated by Flyway as the application does.
 */
final class S3TestStores implements AutoCloseable {

	final S3Server server;

	final S3Client client;

	final String bucket;

	final DataSource dataSource;

	S3TestStores() throws Exception {
		this.server = S3Server.shared();
		this.client = this.server.client();
		this.bucket = "uploads-" + UUID.randomUUID().toString().substring(0, 8);
		this.client.createBucket((request) -> request.bucket(this.bucket));
		JdbcDataSource h2 = new JdbcDataSource();
		h2.setURL("jdbc:h2:mem:s3-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		h2.setUser("sa");
		this.dataSource = h2;
		Flyway.configure().dataSource(h2).load().migrate();
	}

	/** A store over the bucket and the records, as a new instance would open them. */
	S3UploadStore store(long partSize) {
		DataSourceTransactionManager transactions = new DataSourceTransactionManager(this.dataSource);
		S3Sessions sessions = new S3Sessions(new JdbcTemplate(this.dataSource), new TransactionTemplate(transactions));
		return new S3UploadStore(new S3Objects(this.client, this.bucket, "prefix/"), sessions, partSize,
				50L * 1000 * 1000 * 1000, Clock.systemUTC());
	}

	JdbcTemplate jdbc() {
		return new JdbcTemplate(this.dataSource);
	}

	@Override
	public void close() throws Exception {
		this.client.close();
	}

}
