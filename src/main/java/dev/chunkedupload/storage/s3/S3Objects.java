package dev.chunkedupload.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StorageUnavailableException;
import dev.chunkedupload.storage.StoredObjectNotFoundException;

/**
 * The S3 calls the store makes, on one bucket under one key prefix, with S3's errors
 * turned into the store's: a missing object is {@link StoredObjectNotFoundException},
 * anything else a {@link StorageException} that names the call.
 */
final class S3Objects {

	private final S3Client client;

	private final String bucket;

	private final String prefix;

	S3Objects(S3Client client, String bucket, String prefix) {
		this.client = client;
		this.bucket = bucket;
		this.prefix = prefix;
	}

	String createMultipart(String key) {
		return call("create a multipart upload for " + key,
				() -> this.client.createMultipartUpload((request) -> request.bucket(this.bucket).key(this.prefix + key))
					.uploadId());
	}

	String uploadPart(String key, String multipartId, int number, byte[] bytes, int length) {
		return call("upload part " + number + " of " + key,
				() -> this.client
					.uploadPart((request) -> request.bucket(this.bucket)
						.key(this.prefix + key)
						.uploadId(multipartId)
						.partNumber(number)
						.contentLength((long) length), body(bytes, length))
					.eTag());
	}

	/** Copy a range of a completed object into a part; returns the part's ETag. */
	String uploadPartCopy(String source, long first, long length, String key, String multipartId, int number) {
		return call("copy " + source + " into part " + number + " of " + key,
				() -> this.client
					.uploadPartCopy((request) -> request.sourceBucket(this.bucket)
						.sourceKey(this.prefix + source)
						.destinationBucket(this.bucket)
						.destinationKey(this.prefix + key)
						.uploadId(multipartId)
						.partNumber(number)
						.copySourceRange("bytes=" + first + "-" + (first + length - 1)))
					.copyPartResult()
					.eTag(),
				source);
	}

	void completeMultipart(String key, String multipartId, List<CompletedPart> parts) {
		call("complete the multipart upload of " + key,
				() -> this.client.completeMultipartUpload((request) -> request.bucket(this.bucket)
					.key(this.prefix + key)
					.uploadId(multipartId)
					.multipartUpload((upload) -> upload.parts(parts))));
	}

	/** Abort a multipart upload; one that is already gone is fine. */
	void abortMultipart(String key, String multipartId) {
		try {
			this.client.abortMultipartUpload(
					(request) -> request.bucket(this.bucket).key(this.prefix + key).uploadId(multipartId));
		}
		catch (NoSuchUploadException ex) {
			// Completed or aborted before.
		}
		catch (SdkException ex) {
			throw failure("Cannot abort the multipart upload of " + key, ex);
		}
	}

	void put(String key, byte[] bytes, int length) {
		call("store " + key,
				() -> this.client.putObject(
						(request) -> request.bucket(this.bucket).key(this.prefix + key).contentLength((long) length),
						body(bytes, length)));
	}

	void copy(String source, String target) {
		call("copy " + source + " to " + target,
				() -> this.client.copyObject((request) -> request.sourceBucket(this.bucket)
					.sourceKey(this.prefix + source)
					.destinationBucket(this.bucket)
					.destinationKey(this.prefix + target)));
	}

	/** Read all of a small object (a staged tail) into a buffer; returns its length. */
	int readInto(String key, byte[] buffer) {
		try (InputStream in = get(key, 0)) {
			return in.readNBytes(buffer, 0, buffer.length);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot read " + key, ex);
		}
	}

	/** The object's bytes from a position on. */
	ResponseInputStream<GetObjectResponse> get(String key, long position) {
		return call("read " + key,
				() -> this.client.getObject((request) -> request.bucket(this.bucket)
					.key(this.prefix + key)
					.range((position > 0) ? "bytes=" + position + "-" : null)),
				key);
	}

	/** The object's size, or -1 if there is none. */
	long size(String key) {
		try {
			return this.client.headObject((request) -> request.bucket(this.bucket).key(this.prefix + key))
				.contentLength();
		}
		catch (NoSuchKeyException ex) {
			return -1;
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 404) {
				return -1;
			}
			throw failure("Cannot look up " + key, ex);
		}
		catch (SdkException ex) {
			throw failure("Cannot look up " + key, ex);
		}
	}

	void delete(String key) {
		call("delete " + key,
				() -> this.client.deleteObject((request) -> request.bucket(this.bucket).key(this.prefix + key)));
	}

	/** A presigned GET of the object that names the download and its media type. */
	URI presignedGet(S3Presigner presigner, String key, String filename, String contentType, Duration ttl) {
		// RFC 6266's extended form, so any file name survives; the store knows no HTTP
		// library, and this one field is all it needs of one.
		String disposition = "attachment; filename*=UTF-8''"
				+ URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
		return call("presign " + key,
				() -> URI.create(
						presigner
							.presignGetObject((presign) -> presign.signatureDuration(ttl)
								.getObjectRequest((request) -> request.bucket(this.bucket)
									.key(this.prefix + key)
									.responseContentDisposition(disposition)
									.responseContentType(contentType)))
							.url()
							.toString()));
	}

	/**
	 * Every multipart upload under the prefix: its key (without the prefix), id and
	 * start.
	 */
	List<Listed> multipartUploads() {
		return call("list multipart uploads",
				() -> this.client
					.listMultipartUploadsPaginator((request) -> request.bucket(this.bucket).prefix(this.prefix))
					.uploads()
					.stream()
					.map((upload) -> new Listed(upload.key().substring(this.prefix.length()), upload.uploadId(),
							upload.initiated()))
					.toList());
	}

	/** Every staged tail object under the prefix, with when it was written. */
	List<Listed> tails() {
		return call("list objects", () -> this.client
			.listObjectsV2Paginator((request) -> request.bucket(this.bucket).prefix(this.prefix))
			.contents()
			.stream()
			.filter((object) -> object.key().contains(S3PieceWriter.TAIL_MARK))
			.map((object) -> new Listed(object.key().substring(this.prefix.length()), null, object.lastModified()))
			.toList());
	}

	/**
	 * Something listed in the bucket.
	 *
	 * @param key its key without the prefix
	 * @param multipartId a multipart upload's id, or {@code null} for an object
	 * @param started when it was started or written
	 */
	record Listed(String key, String multipartId, Instant started) {

	}

	/** Make sure the bucket is there; the message says what to check if it is not. */
	void requireBucket(String endpoint) {
		try {
			this.client.headBucket((request) -> request.bucket(this.bucket));
		}
		catch (SdkException ex) {
			throw new IllegalStateException("The S3 bucket '" + this.bucket + "' at "
					+ (endpoint.isEmpty() ? "AWS" : endpoint)
					+ " is missing or unreachable (chunked-upload.storage.s3.bucket and .endpoint, credentials): "
					+ ex.getMessage(), ex);
		}
	}

	/** The buffer's first bytes as a request body, streamed without a copy. */
	private static RequestBody body(byte[] bytes, int length) {
		if (length == 0) {
			return RequestBody.empty();
		}
		return RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length);
	}

	private static <T> T call(String what, Supplier<T> call) {
		return call(what, call, null);
	}

	private static <T> T call(String what, Supplier<T> call, String key) {
		try {
			return call.get();
		}
		catch (NoSuchKeyException ex) {
			if (key != null) {
				throw new StoredObjectNotFoundException(key);
			}
			throw failure("Cannot " + what, ex);
		}
		catch (SdkException ex) {
			throw failure("Cannot " + what, ex);
		}
	}

	/**
	 * What S3 or the way to it says about a failed call: throttling, timeouts, 5xx and a
	 * server that cannot be reached pass, so the client is told to come back
	 * ({@link StorageUnavailableException}); anything else is a fault.
	 */
	static StorageException failure(String message, SdkException ex) {
		boolean transientFailure = (ex instanceof SdkClientException) || ex.retryable()
				|| (ex instanceof S3Exception s3 && (s3.statusCode() >= 500 || s3.statusCode() == 429));
		return transientFailure ? new StorageUnavailableException(message, ex) : new StorageException(message, ex);
	}

}
