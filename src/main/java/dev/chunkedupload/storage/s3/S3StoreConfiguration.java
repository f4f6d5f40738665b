package dev.chunkedupload.storage.s3;

import java.net.URI;
import java.time.Clock;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import dev.chunkedupload.storage.StorageProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The S3 store, with {@code chunked-upload.storage.type=s3}. A missing or unreachable
 * bucket stops the start with a message that says what to check.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chunked-upload.storage.type", havingValue = "s3")
class S3StoreConfiguration {

	@Bean(destroyMethod = "close")
	S3Client uploadS3Client(StorageProperties properties) {
		return client(properties.s3());
	}

	@Bean
	S3UploadStore uploadStore(S3Client uploadS3Client, StorageProperties properties, JdbcTemplate jdbc,
			TransactionTemplate transaction, Clock clock) {
		StorageProperties.S3 s3 = properties.s3();
		if (s3.bucket() == null || s3.bucket().isBlank()) {
			throw new IllegalStateException("chunked-upload.storage.type=s3 needs chunked-upload.storage.s3.bucket");
		}
		S3Objects objects = new S3Objects(uploadS3Client, s3.bucket(), s3.prefix());
		objects.requireBucket((s3.endpoint() != null) ? s3.endpoint() : "");
		S3UploadStore store = new S3UploadStore(objects, new S3Sessions(jdbc, transaction), s3.partSize().toBytes(),
				s3.maxObjectSize().toBytes(), clock);
		return s3.presignedDownloads() ? store.presignDownloads(presigner(s3), s3.presignedDownloadTtl()) : store;
	}

	/**
	 * Named so that readiness includes it as {@code uploadStore}, whichever store runs.
	 */
	@Bean
	S3StoreHealthIndicator uploadStoreHealthIndicator(S3Client uploadS3Client, StorageProperties properties) {
		return new S3StoreHealthIndicator(uploadS3Client, properties.s3().bucket(), properties.s3().healthCheckCache());
	}

	/**
	 * Signs download URLs as the client signs requests: same endpoint, region, style,
	 * credentials.
	 */
	static S3Presigner presigner(StorageProperties.S3 s3) {
		S3Presigner.Builder builder = S3Presigner.builder()
			.region(Region.of(s3.region()))
			.credentialsProvider(DefaultCredentialsProvider.builder().build())
			.serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s3.pathStyleAccess()).build());
		if (s3.endpoint() != null && !s3.endpoint().isBlank()) {
			builder.endpointOverride(URI.create(s3.endpoint()));
		}
		return builder.build();
	}

	/**
	 * A client for the store's settings. Checksums only where S3 requires them: the SDK's
	 * default CRC32 headers are refused by several S3-compatible servers.
	 */
	static S3Client client(StorageProperties.S3 s3) {
		S3ClientBuilder builder = S3Client.builder()
			.region(Region.of(s3.region()))
			.credentialsProvider(DefaultCredentialsProvider.builder().build())
			.serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s3.pathStyleAccess()).build())
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
			.httpClient(ApacheHttpClient.create());
		if (s3.endpoint() != null && !s3.endpoint().isBlank()) {
			builder.endpointOverride(URI.create(s3.endpoint()));
		}
		return builder.build();
	}

}
