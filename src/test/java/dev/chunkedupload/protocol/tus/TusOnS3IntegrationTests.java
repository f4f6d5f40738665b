package dev.chunkedupload.protocol.tus;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.s3.S3UploadStore;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.StoredUploads;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link TusIntegrationTests} once more with the bytes in a bucket of an S3
 * server in the test JVM instead of on the file system, and what only S3 does: partial
 * uploads large enough to be parts are joined by {@code UploadPartCopy}.
 */
class TusOnS3IntegrationTests extends TusIntegrationTests {

	private static final int MIB = 1024 * 1024;

	@DynamicPropertySource
	static void s3(DynamicPropertyRegistry registry) {
		StoredUploads.registerS3(registry);
	}

	@Test
	void storeWhenStartedThenS3() {
		assertThat(this.context.getBean(UploadStore.class)).isInstanceOf(S3UploadStore.class);
	}

	@Test
	void finalWhenPartialsAreLargeEnoughForPartsThenJoinedByCopiesWithTheMd5OfTheWhole() throws Exception {
		// The appended upload would be parts of 5 MiB and a tail; copies keep the
		// partials' own sizes, which the final object's multipart ETag shows.
		int[] sizes = { 5 * MIB + 1000, 300_000 };
		byte[] file = randomBytes(sizes[0] + sizes[1], 71);
		StringBuilder concat = new StringBuilder("final;");
		List<String> partials = new ArrayList<>();
		int at = 0;
		for (int size : sizes) {
			String path = pathOf(post("Upload-Concat", "partial", "Upload-Length", String.valueOf(size)));
			assertThat(patch(path, 0, slice(file, at, at + size)).status()).isEqualTo(204);
			concat.append(path).append(' ');
			partials.add(path.substring(path.lastIndexOf('/') + 1));
			at += size;
		}
		Response created = post("Upload-Concat", concat.toString().trim());
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		assertThat(created.header("Upload-Offset")).isEqualTo(String.valueOf(file.length));
		String id = idOf(created);
		assertContent(id, file);
		assertThat(this.alice.get("/api/uploads/" + id).json().get("md5").asString()).isEqualTo(md5(file));

		StorageProperties properties = this.context.getBean(StorageProperties.class);
		String key = this.jdbc.queryForObject("select storage_key from upload where upload_id = ?", String.class, id);
		String etag = this.context.getBean(S3Client.class)
			.headObject((request) -> request.bucket(properties.s3().bucket()).key(properties.s3().prefix() + key))
			.eTag();
		assertThat(etag).isEqualTo(multipartEtag(file, sizes));
		assertThat(this.stored.of(id)).as("nothing staged").containsExactly(key);
		for (String partial : partials) {
			assertThat(this.stored.of(partial)).as("partial deleted").isEmpty();
		}
	}

	/** S3's ETag of a multipart object: the MD5 of its parts' MD5s, and their count. */
	private static String multipartEtag(byte[] file, int[] parts) throws Exception {
		MessageDigest all = MessageDigest.getInstance("MD5");
		int at = 0;
		for (int size : parts) {
			all.update(MessageDigest.getInstance("MD5").digest(slice(file, at, at + size)));
			at += size;
		}
		return "\"" + HexFormat.of().formatHex(all.digest()) + "-" + parts.length + "\"";
	}

}
