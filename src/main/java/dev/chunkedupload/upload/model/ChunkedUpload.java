package dev.chunkedupload.upload.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;

import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.hash.ResumableMd5;

/**
 * One upload, whatever protocol created it. Owns its state changes: offset and status
 * move only through {@link #append}, {@link #complete}, {@link #abort} and
 * {@link #expire}, and an invalid change throws. Each is saved guarded by the row's
 * {@code @Version}, so a change made from a stale copy fails instead of overwriting
 * another. The lease package writes the lease (and a chunk's append) with conditional
 * statements of its own, which bump the version when they change who holds the lease.
 */
@Entity
@DynamicUpdate
@Table(name = "upload")
public class ChunkedUpload {

	@Id
	@Column(name = "upload_id", length = 32)
	private String id;

	/** A wrapper type: Spring Data inserts a new upload (null) without a select. */
	@Version
	private Long version;

	private String owner;

	@Enumerated(EnumType.STRING)
	private UploadProtocol protocol;

	private String filename;

	private Long totalLength;

	private long uploadOffset;

	@Enumerated(EnumType.STRING)
	private UploadStatus status;

	private Instant createdAt;

	private Instant lastActivityAt;

	private Instant expiresAt;

	private Instant completedAt;

	private String md5;

	private byte[] hashState;

	private String storageKey;

	private String leaseOwner;

	private Instant leaseUntil;

	private String contentType;

	private String clientMetadata;

	@Enumerated(EnumType.STRING)
	private ConcatRole concatRole;

	protected ChunkedUpload() {
	}

	public ChunkedUpload(String id, String owner, UploadProtocol protocol, String filename, Long totalLength,
			String storageKey, Instant now, Duration expiration) {
		this.id = id;
		this.owner = owner;
		this.protocol = protocol;
		this.filename = filename;
		this.totalLength = totalLength;
		this.storageKey = storageKey;
		this.status = UploadStatus.UPLOADING;
		this.createdAt = now;
		this.lastActivityAt = now;
		this.expiresAt = now.plus(expiration);
		this.hashState = new ResumableMd5().saveState();
	}

	/**
	 * A new upload whose lease already belongs to its creator, so that its first chunk
	 * can be written without a second statement and nobody else can write it meanwhile.
	 */
	public static ChunkedUpload leased(String id, String owner, UploadProtocol protocol, String filename,
			Long totalLength, String storageKey, Instant now, Duration expiration, String leaseToken,
			Duration leaseDuration) {
		ChunkedUpload upload = new ChunkedUpload(id, owner, protocol, filename, totalLength, storageKey, now,
				expiration);
		upload.leaseOwner = leaseToken;
		upload.leaseUntil = now.plus(leaseDuration);
		return upload;
	}

	public void releaseLease() {
		this.leaseOwner = null;
		this.leaseUntil = null;
	}

	/**
	 * Keep this copy in step with its row after a lease statement changed the row outside
	 * JPA (the lease's holder and end, and the version it bumped), so that the copy can
	 * stand for the row in the next conditional statement instead of a fresh load.
	 */
	public void matchRow(String holder, Instant until, long rowVersion) {
		this.leaseOwner = holder;
		this.leaseUntil = until;
		this.version = rowVersion;
	}

	/**
	 * Record bytes that are now durable in storage.
	 * @param length how many bytes were added at the current offset
	 * @param hashState the MD5 state after those bytes
	 * @param lastChunk whether the client said these are the final bytes, which fixes an
	 * unknown total length
	 * @param now the time of the write
	 * @param expiration idle time allowed from now on
	 */
	public void append(long length, byte[] hashState, boolean lastChunk, Instant now, Duration expiration) {
		requireUploading();
		long newOffset = this.uploadOffset + length;
		if (this.totalLength != null && newOffset > this.totalLength) {
			throw new LengthMismatchException("Bytes past the upload's total length of " + this.totalLength + " bytes");
		}
		this.uploadOffset = newOffset;
		this.hashState = hashState;
		if (lastChunk && this.totalLength == null) {
			this.totalLength = newOffset;
		}
		this.lastActivityAt = now;
		this.expiresAt = now.plus(expiration);
	}

	/**
	 * Mark the upload complete after its bytes were moved to {@code finalKey}.
	 * @param finalKey where the file now lives
	 * @param md5 the hex MD5 of the whole file
	 * @param now the completion time
	 */
	public void complete(String finalKey, String md5, Instant now) {
		requireUploading();
		if (this.totalLength == null) {
			this.totalLength = this.uploadOffset;
		}
		else if (this.uploadOffset != this.totalLength) {
			throw new UploadIncompleteException(this.uploadOffset, this.totalLength);
		}
		this.status = UploadStatus.COMPLETE;
		this.storageKey = finalKey;
		this.md5 = md5;
		this.completedAt = now;
		this.lastActivityAt = now;
		this.expiresAt = null;
		this.hashState = null;
	}

	public void abort(Instant now) {
		if (this.status == UploadStatus.ABORTED) {
			return;
		}
		this.status = UploadStatus.ABORTED;
		this.lastActivityAt = now;
		this.expiresAt = null;
		this.hashState = null;
	}

	public void expire() {
		requireUploading();
		this.status = UploadStatus.EXPIRED;
		this.hashState = null;
	}

	/** Set what the client said at creation: media type, metadata, concatenation role. */
	public void describe(UploadDetails details) {
		this.contentType = details.contentType();
		this.clientMetadata = details.clientMetadata();
		this.concatRole = details.concatRole();
	}

	/**
	 * Fix a total length that was left open at creation.
	 * @throws InvalidUploadRequestException if another length is set or more bytes held
	 */
	public void declareLength(long total) {
		requireUploading();
		if (this.totalLength != null) {
			if (this.totalLength != total) {
				throw new InvalidUploadRequestException(
						"The upload's length is already " + this.totalLength + " bytes and cannot change");
			}
			return;
		}
		if (total < this.uploadOffset) {
			throw new InvalidUploadRequestException(
					"The upload already holds " + this.uploadOffset + " bytes, more than " + total);
		}
		this.totalLength = total;
	}

	/**
	 * Move the hashed prefix of an upload whose chunks arrive out of order (its offset is
	 * how far the MD5 has run over contiguous stored chunks) from {@code from} to
	 * {@code to}, with the MD5 {@code state} after it. It moves only while nobody but the
	 * holder of {@code leaseToken} (may be {@code null}) holds the upload's lease, so it
	 * never changes under a completion, deletion or expiry.
	 * @return {@code false}, changing nothing, if the prefix moved meanwhile or the
	 * upload no longer takes bytes
	 */
	public boolean advanceHashedPrefix(long from, long to, byte[] state, String leaseToken, Instant now) {
		if (this.status != UploadStatus.UPLOADING || this.uploadOffset != from || to < from
				|| (isLeasedAt(now) && (leaseToken == null || !isLeasedBy(leaseToken, now)))) {
			return false;
		}
		if (this.totalLength != null && to > this.totalLength) {
			throw new LengthMismatchException("Bytes past the upload's total length of " + this.totalLength + " bytes");
		}
		this.uploadOffset = to;
		this.hashState = state;
		return true;
	}

	/**
	 * Record that a chunk arrived at {@code now}, without moving the offset (chunks that
	 * arrive out of order count by number, not by offset); the upload may now stay idle
	 * for {@code expiration}.
	 * @return {@code false}, changing nothing, if the upload's lease is held (a
	 * completion, deletion or expiry is ending it), so the chunk must wait
	 * @throws UploadExpiredException if it expired
	 */
	public boolean recordActivity(Instant now, Duration expiration) {
		requireWritableAt(now);
		if (isLeasedAt(now)) {
			return false;
		}
		this.lastActivityAt = now;
		this.expiresAt = now.plus(expiration);
		return true;
	}

	/** Record that a completed upload's file now lives under another key. */
	public void relocate(String key) {
		if (this.status != UploadStatus.COMPLETE) {
			throw new UploadIncompleteException(this.uploadOffset,
					(this.totalLength != null) ? this.totalLength : this.uploadOffset);
		}
		this.storageKey = key;
	}

	/** Whether the upload is idle past its expiry, marked by the sweeper yet or not. */
	public boolean isExpiredAt(Instant now) {
		return this.status == UploadStatus.EXPIRED
				|| (this.status == UploadStatus.UPLOADING && this.expiresAt != null && !now.isBefore(this.expiresAt));
	}

	public boolean isLeasedBy(String leaseToken, Instant now) {
		// The same boundary as the SQL of UploadRepository: a lease ending exactly now is
		// still held.
		return leaseToken.equals(this.leaseOwner) && this.leaseUntil != null && !now.isAfter(this.leaseUntil);
	}

	/** Whether anybody holds the upload's lease at a moment. */
	public boolean isLeasedAt(Instant now) {
		return this.leaseOwner != null && this.leaseUntil != null && !now.isAfter(this.leaseUntil);
	}

	/** Whether the upload belongs to a user. */
	public boolean isOwnedBy(String user) {
		return this.owner.equals(user);
	}

	/**
	 * Fail unless the upload takes bytes now: uploading and not idle past its expiry.
	 * @param now the current time
	 * @throws UploadAlreadyCompleteException if it is complete
	 * @throws UploadExpiredException if it expired, marked or not
	 * @throws UploadNotFoundException if it was aborted
	 */
	public void requireWritableAt(Instant now) {
		requireUploading();
		if (isExpiredAt(now)) {
			throw new UploadExpiredException(this.id);
		}
	}

	private void requireUploading() {
		switch (this.status) {
			case UPLOADING -> {
			}
			case COMPLETE -> throw new UploadAlreadyCompleteException(this.id);
			case EXPIRED -> throw new UploadExpiredException(this.id);
			case ABORTED -> throw new UploadNotFoundException(this.id);
		}
	}

	public String getId() {
		return this.id;
	}

	public Long getVersion() {
		return this.version;
	}

	public String getOwner() {
		return this.owner;
	}

	public UploadProtocol getProtocol() {
		return this.protocol;
	}

	public String getFilename() {
		return this.filename;
	}

	public Optional<Long> getTotalLength() {
		return Optional.ofNullable(this.totalLength);
	}

	public long getOffset() {
		return this.uploadOffset;
	}

	public UploadStatus getStatus() {
		return this.status;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public Instant getLastActivityAt() {
		return this.lastActivityAt;
	}

	public Optional<Instant> getExpiresAt() {
		return Optional.ofNullable(this.expiresAt);
	}

	public Optional<Instant> getCompletedAt() {
		return Optional.ofNullable(this.completedAt);
	}

	public Optional<String> getMd5() {
		return Optional.ofNullable(this.md5);
	}

	public byte[] getHashState() {
		return this.hashState;
	}

	public String getStorageKey() {
		return this.storageKey;
	}

	/** The media type the client gave, checked by the protocol adapter. */
	public Optional<String> getContentType() {
		return Optional.ofNullable(this.contentType);
	}

	/** The client's metadata exactly as it sent it, for protocols that echo it. */
	public Optional<String> getClientMetadata() {
		return Optional.ofNullable(this.clientMetadata);
	}

	/** Whether the upload is a piece of another one, or built from pieces. */
	public Optional<ConcatRole> getConcatRole() {
		return Optional.ofNullable(this.concatRole);
	}

	@Override
	public String toString() {
		return "Upload[" + this.id + ", " + this.status + ", " + this.uploadOffset + "/" + this.totalLength + "]";
	}

}
