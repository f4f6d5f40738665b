package dev.chunkedupload.storage;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where the bytes live ({@code chunked-upload.storage.*}).
 *
 * @param type which store holds the bytes
 * @param filesystem settings of the file-system store
 * @param s3 settings of the S3 store
 */
@Validated
@ConfigurationProperties("chunked-upload.storage")
public record StorageProperties(@DefaultValue("filesystem") @NotNull Type type,
		@DefaultValue @Valid @NotNull Filesystem filesystem, @DefaultValue @Valid @NotNull S3 s3) {

	/** The kinds of store. */
	public enum Type {

		/** Files under a directory on a local or shared file system. */
		FILESYSTEM,

		/** Objects in a bucket of AWS S3 or an S3-compatible server. */
		S3

	}

	/**
	 * Settings of the file-system store. {@code application.yml} defaults each to the
	 * property it had before the storage settings moved here
	 * ({@code chunked-upload.data-dir}, {@code chunked-upload.fsync}, ...), so existing
	 * configurations keep working.
	 *
	 * @param root the directory under which all bytes are stored
	 * @param fsync whether a piece is forced to the device before it is acknowledged
	 * @param flushEvery how many bytes of a piece may wait in the page cache before a
	 * background flush starts, so that the disk writes while the network delivers
	 * @param directIoBuffer appended bytes are gathered in buffers of this size (a
	 * multiple of 4 KB) and written with {@code O_DIRECT}, bypassing the page cache;
	 * {@code 0} writes through the page cache instead
	 * @param minFreeSpace below this much usable space under {@code root} the server
	 * reports itself not ready ({@code OUT_OF_SERVICE} at
	 * {@code /actuator/health/readiness}), so a balancer sends new uploads elsewhere
	 * before chunks start failing; {@code 0} turns the check off
	 */
	public record Filesystem(@DefaultValue("./data") @NotNull Path root, @DefaultValue("true") boolean fsync,
			@DefaultValue("4MB") @NotNull DataSize flushEvery, @DefaultValue("1MB") @NotNull DataSize directIoBuffer,
			@DefaultValue("1GB") @NotNull DataSize minFreeSpace) {

	}

	/**
	 * Settings of the S3 store. Credentials come from the AWS SDK's default chain
	 * (environment, profiles, instance and pod roles).
	 *
	 * @param bucket the bucket, which must exist
	 * @param endpoint an S3-compatible server's address, or empty for AWS
	 * @param region the region the client signs for
	 * @param pathStyleAccess whether the bucket goes in the path rather than the host
	 * name (most S3-compatible servers want this)
	 * @param prefix put in front of every key, to share a bucket
	 * @param partSize the size of every part but the last of an upload's multipart upload
	 * (at least 5 MB, S3's minimum); raised where needed so that the largest upload fits
	 * in 10,000 parts
	 * @param maxObjectSize the largest object the store must hold (defaults to
	 * {@code chunked-upload.max-bytes})
	 * @param presignedDownloads whether a download is answered with a redirect to a
	 * short-lived presigned URL, so large downloads go straight from the bucket
	 * @param presignedDownloadTtl how long such a URL is valid
	 * @param healthCheckCache how long the readiness check reuses its last answer on
	 * whether the bucket is reachable, so that frequent probes do not each cost a request
	 * to S3
	 */
	public record S3(String bucket, String endpoint, @DefaultValue("us-east-1") @NotNull String region,
			@DefaultValue("false") boolean pathStyleAccess, @DefaultValue("") @NotNull String prefix,
			@DefaultValue("8MB") @NotNull DataSize partSize, @DefaultValue("50GB") @NotNull DataSize maxObjectSize,
			@DefaultValue("false") boolean presignedDownloads,
			@DefaultValue("5m") @NotNull Duration presignedDownloadTtl,
			@DefaultValue("5s") @NotNull Duration healthCheckCache) {

	}

}
