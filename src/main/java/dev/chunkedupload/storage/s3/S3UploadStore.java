package dev.chunkedupload.storage.s3;

import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.s3.S3Sessions.Part;
import dev.chunkedupload.storage.s3.S3Sessions.Session;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An {@link UploadStore} on AWS S3 or an S3-compatible server. An unfinished upload is an
 * S3 multipart upload at the key the completed object will have, made of parts of one
 * fixed size, plus a staged tail object below that size; parts and tail are recorded in
 * the database ({@link S3Sessions}) in the transaction that records the upload's offset,
 * so an acknowledged byte is in the bucket and the records say exactly where. Completion
 * is {@code CompleteMultipartUpload} to the final key (the tail uploaded as the last
 * part), with no copy.
 * <p>
 * S3 cannot write in place, read an unfinished multipart upload or rename, and the core
 * takes its ways around them. It concatenates completed objects on S3's side
 * ({@code UploadPartCopy}, {@link S3PartCopies}) where their sizes allow.
 */
public class S3UploadStore implements UploadStore {

	/** S3's limit on the parts of one multipart upload. */
	static final int MAX_PARTS = 10_000;

	/** S3's smallest part (but the last). */
	static final long MIN_PART_SIZE = 5L * 1024 * 1024;

	private static final long MIB = 1024 * 1024;

	private final S3Objects objects;

	private final S3Sessions sessions;

	private final long partSize;

	private final Clock clock;

	private S3Presigner presigner;

	private Duration presignedTtl;

	S3UploadStore(S3Objects objects, S3Sessions sessions, long partSize, long maxObjectSize, Clock clock) {
		this.objects = objects;
		this.sessions = sessions;
		this.partSize = partSize(partSize, maxObjectSize);
		this.clock = clock;
	}

	/**
	 * A store on a bucket, its records in the given database.
	 * @param client the S3 client
	 * @param bucket the bucket, which must exist
	 * @param prefix put in front of every key
	 * @param jdbc the database of the records (the application's, so records commit with
	 * offsets)
	 * @param transaction transactions on that database
	 * @param partSize the configured part size
	 * @param maxObjectSize the largest object to hold
	 * @param clock the time
	 * @return the store
	 */
	public static S3UploadStore create(S3Client client, String bucket, String prefix, JdbcTemplate jdbc,
			TransactionTemplate transaction, long partSize, long maxObjectSize, Clock clock) {
		return new S3UploadStore(new S3Objects(client, bucket, prefix), new S3Sessions(jdbc, transaction), partSize,
				maxObjectSize, clock);
	}

	/**
	 * The configured part size, raised so that the largest object fits in S3's 10,000
	 * parts, in whole MiB and never below S3's 5 MiB minimum.
	 */
	static long partSize(long configured, long maxObjectSize) {
		long needed = Math.max(Math.max(configured, MIN_PART_SIZE), (maxObjectSize + MAX_PARTS - 1) / MAX_PARTS);
		return (needed + MIB - 1) / MIB * MIB;
	}

	long partSize() {
		return this.partSize;
	}

	@Override
	public Set<StoreCapability> capabilities() {
		return EnumSet.of(StoreCapability.CONCATENATE, StoreCapability.SERVER_SIDE_COPY);
	}

	/**
	 * A multipart upload completes straight to its key, so that is where it is written.
	 */
	@Override
	public String sessionKey(String partialKey, String finalKey) {
		return finalKey;
	}

	@Override
	public void begin(String key) {
		this.sessions.begin(key, this.partSize, this.clock.instant());
	}

	@Override
	public PieceWriter append(String key, long offset) {
		Session session = this.sessions.find(key)
			.orElseGet(() -> (offset == 0) ? this.sessions.begin(key, this.partSize, this.clock.instant()) : null);
		if (session == null) {
			throw new StorageException("Upload " + key + " has no bytes stored but " + offset + " were acknowledged");
		}
		if (offset == 0 && session.length() > 0) {
			session = restart(session);
		}
		if (session.length() != offset) {
			throw new StorageException("Upload " + key + " has " + session.length() + " bytes recorded but " + offset
					+ " were acknowledged");
		}
		return new S3PieceWriter(this.objects, this.sessions, session);
	}

	@Override
	public void discardAfter(String key, long offset) {
		Optional<Session> found = this.sessions.find(key);
		if (found.isEmpty() || found.get().length() <= offset) {
			return;
		}
		cutTail(found.get(), offset);
	}

	@Override
	public PieceWriter writeAt(String key, long position) {
		throw unsupported(StoreCapability.WRITE_AT);
	}

	@Override
	public InputStream readUnfinished(String key, long position) {
		throw unsupported(StoreCapability.READ_UNFINISHED);
	}

	/**
	 * Objects of at least S3's minimum part size (but the last) become parts of the
	 * upload by {@code UploadPartCopy}, from the start of an upload only.
	 */
	@Override
	public boolean canConcatenate(long offset, List<Long> sizes) {
		return S3PartCopies.fit(offset, sizes);
	}

	/**
	 * Join completed objects into the upload by server-side copies, its parts recorded
	 * before this returns; whatever the upload held is dropped (the offset must be 0).
	 */
	@Override
	public long concatenate(String key, long offset, List<String> sources) {
		if (offset != 0) {
			throw new UnsupportedOperationException("The S3 store copies objects into an empty upload only");
		}
		Session session = this.sessions.find(key)
			.map(this::restart)
			.orElseGet(() -> this.sessions.begin(key, this.partSize, this.clock.instant()));
		return new S3PartCopies(this.objects, this.sessions).copy(session, sources);
	}

	@Override
	public void move(String source, String target) {
		throw unsupported(StoreCapability.MOVE);
	}

	@Override
	public void complete(String key, long length, String finalKey) {
		Optional<Session> found = this.sessions.find(key);
		if (found.isEmpty()) {
			if (this.objects.size(finalKey) >= 0) {
				return;
			}
			throw new StoredObjectNotFoundException(key);
		}
		Session session = found.get();
		if (session.length() < length) {
			throw new StorageException("Upload " + key + " has " + session.length() + " bytes recorded but " + length
					+ " were acknowledged");
		}
		if (session.length() > length) {
			session = cutTail(session, length);
		}
		if (session.parts() == 0) {
			if (session.tailKey() != null) {
				this.objects.copy(session.tailKey(), finalKey);
			}
			else {
				this.objects.put(finalKey, new byte[0], 0);
			}
		}
		else {
			completeMultipart(session, finalKey);
		}
		this.sessions.delete(key);
		if (session.tailKey() != null) {
			this.objects.delete(session.tailKey());
		}
	}

	@Override
	public void abort(String key) {
		Optional<Session> found = this.sessions.find(key);
		if (found.isEmpty()) {
			return;
		}
		Session session = found.get();
		if (session.multipartId() != null) {
			this.objects.abortMultipart(key, session.multipartId());
		}
		if (session.tailKey() != null) {
			this.objects.delete(session.tailKey());
		}
		this.sessions.delete(key);
	}

	@Override
	public StoredObject open(String key) {
		long size = this.objects.size(key);
		if (size < 0) {
			throw new StoredObjectNotFoundException(key);
		}
		return new StoredObject(size,
				(position) -> (position >= size) ? InputStream.nullInputStream() : this.objects.get(key, position));
	}

	/**
	 * Answer downloads with presigned URLs from now on.
	 * @param presigner signs the URLs with the store's credentials
	 * @param ttl how long each URL is valid
	 * @return this store
	 */
	public S3UploadStore presignDownloads(S3Presigner presigner, Duration ttl) {
		this.presigner = presigner;
		this.presignedTtl = ttl;
		return this;
	}

	@Override
	public Optional<URI> downloadUrl(String key, String filename, String contentType) {
		if (this.presigner == null) {
			return Optional.empty();
		}
		return Optional.of(this.objects.presignedGet(this.presigner, key, filename, contentType, this.presignedTtl));
	}

	@Override
	public void delete(String key) {
		this.objects.delete(key);
	}

	/**
	 * Abort multipart uploads and delete staged tails that no record knows: an instance
	 * killed between creating one and recording it (or a tail replaced while its commit
	 * failed) leaves them, and S3 keeps charging for the parts of an open multipart
	 * upload.
	 */
	@Override
	public int sweepOrphans(Instant olderThan) {
		int removed = 0;
		for (S3Objects.Listed upload : this.objects.multipartUploads()) {
			if (upload.started().isBefore(olderThan)
					&& !this.sessions.knowsMultipart(upload.key(), upload.multipartId())) {
				this.objects.abortMultipart(upload.key(), upload.multipartId());
				removed++;
			}
		}
		for (S3Objects.Listed tail : this.objects.tails()) {
			if (tail.started().isBefore(olderThan) && !this.sessions.knowsTail(tail.key())) {
				this.objects.delete(tail.key());
				removed++;
			}
		}
		return removed;
	}

	@Override
	public long size(String key) {
		Optional<Session> session = this.sessions.find(key);
		if (session.isPresent()) {
			return session.get().length();
		}
		long size = this.objects.size(key);
		if (size < 0) {
			throw new StoredObjectNotFoundException(key);
		}
		return size;
	}

	@Override
	public boolean exists(String key) {
		return this.sessions.find(key).isPresent() || this.objects.size(key) >= 0;
	}

	private void completeMultipart(Session session, String finalKey) {
		List<CompletedPart> parts = new ArrayList<>();
		for (Part part : this.sessions.parts(session.key())) {
			parts.add(CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build());
		}
		if (session.tailKey() != null) {
			// The last part may be smaller than the others: the staged tail goes in as
			// is.
			byte[] tail = new byte[Math.toIntExact(session.tailLength())];
			int n = this.objects.readInto(session.tailKey(), tail);
			int number = session.parts() + 1;
			parts.add(CompletedPart.builder()
				.partNumber(number)
				.eTag(this.objects.uploadPart(session.key(), session.multipartId(), number, tail, n))
				.build());
		}
		this.objects.completeMultipart(session.key(), session.multipartId(), parts);
		if (!session.key().equals(finalKey)) {
			// Only where a caller names another final key (tests, chunks stored apart):
			// the core's uploads complete at their own key.
			this.objects.copy(session.key(), finalKey);
			this.objects.delete(session.key());
		}
	}

	/** Start an upload again from nothing: its multipart upload and tail are dropped. */
	private Session restart(Session session) {
		if (session.multipartId() != null) {
			this.objects.abortMultipart(session.key(), session.multipartId());
		}
		if (session.tailKey() != null) {
			this.objects.delete(session.tailKey());
		}
		this.sessions.delete(session.key());
		return this.sessions.begin(session.key(), this.partSize, this.clock.instant());
	}

	/**
	 * Keep only the first {@code length} bytes. Only the staged tail can be cut (a part
	 * uploaded is final); the core never asks for more, since the records commit with its
	 * offsets.
	 */
	private Session cutTail(Session session, long length) {
		if (length == 0) {
			return restart(session);
		}
		if (length < session.partsLength()) {
			throw new StorageException("Upload " + session.key() + " cannot be cut back into its uploaded parts ("
					+ session.partsLength() + " bytes) to " + length);
		}
		try (PieceWriter writer = new S3PieceWriter(this.objects, this.sessions,
				session.with(session.multipartId(), session.parts(), session.partsLength(), null, 0))) {
			byte[] kept = new byte[Math.toIntExact(length - session.partsLength())];
			if (kept.length > 0) {
				this.objects.readInto(session.tailKey(), kept);
				writer.write(kept, 0, kept.length);
			}
			writer.sync();
			writer.record();
		}
		if (session.tailKey() != null) {
			this.objects.delete(session.tailKey());
		}
		return this.sessions.find(session.key()).orElseThrow();
	}

	private static UnsupportedOperationException unsupported(StoreCapability capability) {
		return new UnsupportedOperationException("The S3 store has no " + capability + " capability");
	}

}
