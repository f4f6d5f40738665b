package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.s3.S3UploadStore;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the running server's store holds, asked the way that store can be asked, so that
 * one protocol test checks the bytes on the file system and on S3 alike: what exists for
 * an upload, the bytes an unfinished upload has stored so far, and the leftovers of a
 * writer that died before its offset was recorded, imitated as that store can have them.
 * <p>
 * On the file system an unfinished upload is a {@code .part} file, read back as it is,
 * and a dead writer leaves bytes past the recorded end of it. On S3 it is a multipart
 * upload, which S3 cannot read back: its recorded parts are checked by size and ETag (the
 * MD5 of the part) against the expected bytes, its staged tail is read; a dead writer
 * leaves an unrecorded part and an unrecorded staged tail.
 */
public abstract class StoredUploads {

	/**
	 * The store of a running server.
	 * @param context the server's application context
	 * @return its stored uploads
	 */
	public static StoredUploads of(ApplicationContext context) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		StorageProperties properties = context.getBean(StorageProperties.class);
		if (context.getBean(UploadStore.class) instanceof S3UploadStore) {
			return new Bucket(jdbc, context.getBean(S3Client.class), properties.s3().bucket(),
					properties.s3().prefix());
		}
		return new FileTree(jdbc, properties.filesystem().root());
	}

	/**
	 * Run a test class's server on the S3 store: a fresh bucket on the shared in-process
	 * S3 server, credentials from the SDK's default chain as in production, and S3's
	 * smallest part size so that tests of a few MiB cross parts.
	 * @param registry the test class's registry
	 */
	public static void registerS3(DynamicPropertyRegistry registry) {
		S3Server server;
		try {
			server = S3Server.shared();
		}
		catch (Exception ex) {
			throw new IllegalStateException("The S3 server did not start", ex);
		}
		String bucket = "uploads-" + UUID.randomUUID().toString().substring(0, 8);
		try (S3Client client = server.client()) {
			client.createBucket((request) -> request.bucket(bucket));
		}
		System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
		System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
		registry.add("chunked-upload.storage.type", () -> "s3");
		registry.add("chunked-upload.storage.s3.bucket", () -> bucket);
		registry.add("chunked-upload.storage.s3.endpoint", () -> server.endpoint().toString());
		registry.add("chunked-upload.storage.s3.path-style-access", () -> "true");
		registry.add("chunked-upload.storage.s3.part-size", () -> "5MB");
	}

	private final JdbcTemplate jdbc;

	StoredUploads(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Everything the store holds: files, or objects and open multipart uploads.
	 * @return a name for each
	 */
	public abstract List<String> everything();

	/**
	 * Everything the store holds for one upload, unfinished or complete.
	 * @param uploadId the upload
	 * @return a name for each
	 */
	public List<String> of(String uploadId) {
		return everything().stream().filter((name) -> name.contains(uploadId)).toList();
	}

	/**
	 * Whether the upload is stored as a completed object and nothing of it unfinished is
	 * left.
	 * @param uploadId the upload
	 * @return {@code true} if so
	 */
	public abstract boolean isCompleted(String uploadId);

	/**
	 * How many bytes an unfinished upload holds in the store (not in the records only).
	 * @param uploadId the upload
	 * @return its length
	 * @throws AssertionError if it has no unfinished bytes
	 */
	public abstract long unfinishedLength(String uploadId);

	/**
	 * Check that an unfinished upload holds exactly these bytes.
	 * @param uploadId the upload
	 * @param expected the bytes
	 */
	public abstract void assertUnfinished(String uploadId, byte[] expected);

	/**
	 * Leave what a writer that died after writing, before its offset was recorded, leaves
	 * in this store: bytes past the recorded end.
	 * @param uploadId the upload
	 * @param garbage the bytes the dead writer wrote
	 */
	public abstract void leaveLeftovers(String uploadId, byte[] garbage);

	String storageKey(String uploadId) {
		return this.jdbc.queryForObject("select storage_key from upload where upload_id = ?", String.class, uploadId);
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	/** The file-system store: files under its root. */
	private static final class FileTree extends StoredUploads {

		private final Path root;

		FileTree(JdbcTemplate jdbc, Path root) {
			super(jdbc);
			this.root = root;
		}

		@Override
		public List<String> everything() {
			return ServerTestSupport.storedFiles(this.root).stream().map(Path::toString).toList();
		}

		@Override
		public boolean isCompleted(String uploadId) {
			List<String> names = of(uploadId);
			return names.stream().noneMatch((name) -> name.endsWith(uploadId + ".part"))
					&& names.stream().anyMatch((name) -> Path.of(name).getFileName().toString().equals(uploadId));
		}

		@Override
		public long unfinishedLength(String uploadId) {
			try {
				return Files.size(partFile(uploadId));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void assertUnfinished(String uploadId, byte[] expected) {
			try {
				assertThat(Files.readAllBytes(partFile(uploadId))).isEqualTo(expected);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void leaveLeftovers(String uploadId, byte[] garbage) {
			long before = unfinishedLength(uploadId);
			try {
				Files.write(partFile(uploadId), garbage, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			assertThat(unfinishedLength(uploadId)).isEqualTo(before + garbage.length);
		}

		private Path partFile(String uploadId) {
			return ServerTestSupport.storedFiles(this.root)
				.stream()
				.filter((path) -> path.getFileName().toString().equals(uploadId + ".part"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no .part file for " + uploadId));
		}

	}

	/** The S3 store: objects and multipart uploads in its bucket, and its records. */
	private static final class Bucket extends StoredUploads {

		private final S3Client client;

		private final String bucket;

		private final String prefix;

		Bucket(JdbcTemplate jdbc, S3Client client, String bucket, String prefix) {
			super(jdbc);
			this.client = client;
			this.bucket = bucket;
			this.prefix = prefix;
		}

		@Override
		public List<String> everything() {
			List<String> names = new ArrayList<>();
			this.client.listObjectsV2Paginator((request) -> request.bucket(this.bucket).prefix(this.prefix))
				.contents()
				.stream()
				.map(S3Object::key)
				.forEach(names::add);
			for (MultipartUpload upload : this.client
				.listMultipartUploads((request) -> request.bucket(this.bucket).prefix(this.prefix))
				.uploads()) {
				names.add("multipart upload " + upload.key() + " " + upload.uploadId());
			}
			return names;
		}

		@Override
		public boolean isCompleted(String uploadId) {
			String key = this.prefix + storageKey(uploadId);
			return everything().stream().filter((name) -> name.contains(uploadId)).toList().equals(List.of(key))
					&& session(uploadId) == null;
		}

		@Override
		public long unfinishedLength(String uploadId) {
			Map<String, Object> session = requireSession(uploadId);
			long length = 0;
			for (Part part : recordedParts(session)) {
				length += part.size();
			}
			String tail = (String) session.get("tail_key");
			if (tail != null) {
				length += this.client.headObject((request) -> request.bucket(this.bucket).key(this.prefix + tail))
					.contentLength();
			}
			return length;
		}

		@Override
		public void assertUnfinished(String uploadId, byte[] expected) {
			Map<String, Object> session = requireSession(uploadId);
			int at = 0;
			for (Part part : recordedParts(session)) {
				byte[] bytes = Arrays.copyOfRange(expected, at,
						Math.min(expected.length, at + (int) (long) part.size()));
				assertThat(part.size()).as("part %d", part.partNumber()).isEqualTo(bytes.length);
				assertThat(part.eTag()).as("part %d", part.partNumber())
					.isEqualTo("\"" + ServerTestSupport.md5(bytes) + "\"");
				at += bytes.length;
			}
			String tail = (String) session.get("tail_key");
			byte[] stored = (tail != null)
					? this.client.getObjectAsBytes((request) -> request.bucket(this.bucket).key(this.prefix + tail))
						.asByteArray()
					: new byte[0];
			assertThat(stored).isEqualTo(Arrays.copyOfRange(expected, at, expected.length));
		}

		@Override
		public void leaveLeftovers(String uploadId, byte[] garbage) {
			Map<String, Object> session = requireSession(uploadId);
			String key = this.prefix + storageKey(uploadId);
			String multipartId = (String) session.get("multipart_id");
			if (multipartId == null) {
				// It had filled its first part: a multipart upload no record knows.
				multipartId = this.client.createMultipartUpload((request) -> request.bucket(this.bucket).key(key))
					.uploadId();
			}
			String upload = multipartId;
			int next = ((Number) session.get("parts")).intValue() + 1;
			this.client.uploadPart((request) -> request.bucket(this.bucket).key(key).uploadId(upload).partNumber(next),
					RequestBody.fromBytes(garbage));
			// and had synced the rest as a staged tail it never recorded.
			String tail = (String) session.get("tail_key");
			byte[] kept = (tail != null)
					? this.client.getObjectAsBytes((request) -> request.bucket(this.bucket).key(this.prefix + tail))
						.asByteArray()
					: new byte[0];
			byte[] staged = Arrays.copyOf(kept, kept.length + garbage.length);
			System.arraycopy(garbage, 0, staged, kept.length, garbage.length);
			this.client.putObject((request) -> request.bucket(this.bucket).key(key + ".tail-" + UUID.randomUUID()),
					RequestBody.fromBytes(staged));
			assertThat(of(uploadId)).as("the leftovers are in the bucket").hasSizeGreaterThanOrEqualTo(2);
		}

		private List<Part> recordedParts(Map<String, Object> session) {
			String multipartId = (String) session.get("multipart_id");
			int recorded = ((Number) session.get("parts")).intValue();
			if (multipartId == null) {
				assertThat(recorded).isZero();
				return List.of();
			}
			String key = this.prefix + session.get("session_key");
			List<Part> parts = this.client
				.listParts((request) -> request.bucket(this.bucket).key(key).uploadId(multipartId))
				.parts()
				.stream()
				.filter((part) -> part.partNumber() <= recorded)
				.toList();
			assertThat(parts).as("the recorded parts are in the bucket").hasSize(recorded);
			return parts;
		}

		private Map<String, Object> requireSession(String uploadId) {
			Map<String, Object> session = session(uploadId);
			if (session == null) {
				throw new AssertionError("no unfinished upload in the bucket for " + uploadId);
			}
			return session;
		}

		private Map<String, Object> session(String uploadId) {
			return jdbc()
				.queryForList("select session_key, multipart_id, parts, tail_key from s3_session where session_key = ?",
						storageKey(uploadId))
				.stream()
				.findFirst()
				.orElse(null);
		}

	}

}
