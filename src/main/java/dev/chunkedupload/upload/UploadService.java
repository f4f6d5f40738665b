package dev.chunkedupload.upload;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.ChunkStore;
import dev.chunkedupload.storage.ChunkStore.StoredObject;
import dev.chunkedupload.storage.ChunkWriter;
import dev.chunkedupload.storage.StoredObjectNotFoundException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/**
 * Every protocol's way into the core. The write path follows one order: load (owned by
 * the caller), take the lease, reload and check state and offset, stream into storage
 * while hashing, make the bytes durable, then record the new offset and hash state and
 * release the lease in one short transaction. No transaction is open while bytes flow.
 */
@Service
public class UploadService {

	private static final Logger logger = LoggerFactory.getLogger(UploadService.class);

	private static final SecureRandom random = new SecureRandom();

	/** Buffers per chunk in flight between reading and hashing. */
	private static final int HASH_BUFFERS = 4;

	private final UploadRepository repository;

	private final ChunkStore store;

	private final UploadLease lease;

	private final UploadProperties properties;

	private final Clock clock;

	private final Executor hashExecutor;

	UploadService(UploadRepository repository, ChunkStore store, UploadLease lease, UploadProperties properties,
			Clock clock, @Qualifier(UploadConfiguration.HASH_EXECUTOR) Executor hashExecutor) {
		this.repository = repository;
		this.store = store;
		this.lease = lease;
		this.properties = properties;
		this.clock = clock;
		this.hashExecutor = hashExecutor;
		RunningMd5.logImplementation();
	}

	/**
	 * Create an upload with its first chunk. A first chunk that is refused, for whatever
	 * reason, leaves neither a row nor a file behind.
	 * @param owner the creating user
	 * @param protocol the protocol that creates it
	 * @param filename the client's file name (sanitised here)
	 * @param chunk what the client says about the bytes
	 * @param body the bytes
	 * @return the upload after the chunk
	 */
	public Upload start(String owner, UploadProtocol protocol, String filename, Chunk chunk, InputStream body) {
		if (chunk.offset() != 0) {
			throw new OffsetMismatchException(0, chunk.offset());
		}
		checkLimits(chunk);
		Instant now = this.clock.instant();
		String id = newId();
		String token = this.lease.newToken();
		Upload upload = this.repository.save(Upload.leased(id, owner, protocol, SafeFileName.of(filename),
				chunk.total(), storageKey(this.properties.partialPath(), now, id), now, this.properties.expiration(),
				token, this.lease.duration()));
		try (UploadLease.Held held = this.lease.adopt(id, token)) {
			return write(upload, chunk, body, held);
		}
		catch (RuntimeException ex) {
			discard(upload);
			throw ex;
		}
	}

	/**
	 * Add a chunk to an upload at its current offset.
	 * @param owner the calling user, who must own the upload
	 * @param uploadId the upload
	 * @param chunk what the client says about the bytes
	 * @param body the bytes
	 * @return the upload after the chunk
	 */
	public Upload append(String owner, String uploadId, Chunk chunk, InputStream body) {
		// A first look without the lease: a chunk that cannot fit is refused without
		// taking the lease away from a writer that may be about to send the right one.
		Upload current = load(owner, uploadId);
		checkLimits(chunk);
		checkAppendable(current, chunk);
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			Upload upload = load(owner, uploadId);
			checkAppendable(upload, chunk);
			return write(upload, chunk, body, held);
		}
	}

	private void checkAppendable(Upload upload, Chunk chunk) {
		requireWritable(upload);
		if (chunk.offset() != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), chunk.offset());
		}
		Long total = upload.getTotalLength().orElse(null);
		if (chunk.total() != null && total != null && !chunk.total().equals(total)) {
			throw new LengthMismatchException(
					"The total length changed from " + total + " to " + chunk.total() + " bytes");
		}
	}

	/**
	 * Complete an upload: check the MD5 carried along with the bytes, move the file to
	 * its final place and mark the upload complete. Repeating a successful completion
	 * answers the same upload and does nothing.
	 * @param owner the calling user, who must own the upload
	 * @param uploadId the upload
	 * @param expectedMd5 the hex MD5 the client computed, or {@code null} to skip the
	 * check
	 * @return the completed upload
	 */
	public Upload complete(String owner, String uploadId, String expectedMd5) {
		Upload upload = load(owner, uploadId);
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return alreadyComplete(upload, expectedMd5);
		}
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			upload = load(owner, uploadId);
			if (upload.getStatus() == UploadStatus.COMPLETE) {
				return alreadyComplete(upload, expectedMd5);
			}
			requireWritable(upload);
			if (upload.getTotalLength().isPresent() && upload.getOffset() < upload.getTotalLength().get()) {
				throw new UploadIncompleteException(upload.getOffset(), upload.getTotalLength().get());
			}
			String md5 = RunningMd5.hexDigest(upload.getHashState());
			if (expectedMd5 != null && !md5.equals(expectedMd5.toLowerCase(Locale.ROOT))) {
				throw new ChecksumMismatchException(expectedMd5, md5);
			}
			String partialKey = upload.getStorageKey();
			String finalKey = storageKey(this.properties.completePath(), upload.getCreatedAt(), uploadId);
			if (this.store.exists(partialKey)) {
				// A writer that died mid-chunk may have left bytes past the recorded
				// offset.
				try (ChunkWriter writer = this.store.openForAppend(partialKey, upload.getOffset())) {
					writer.sync();
				}
			}
			this.store.promote(partialKey, finalKey);
			Instant now = this.clock.instant();
			Upload completed = record(held, (current) -> current.complete(finalKey, md5, now));
			logger.info("Upload {} of {} complete: {} bytes, md5 {}", uploadId, owner, completed.getOffset(), md5);
			return completed;
		}
	}

	/**
	 * The status an upload has now: one idle past its expiry counts as expired even
	 * before the sweeper has marked it, as every request on it already answers.
	 * @param upload the upload
	 * @return its status at this moment
	 */
	public UploadStatus statusOf(Upload upload) {
		return upload.isExpiredAt(this.clock.instant()) ? UploadStatus.EXPIRED : upload.getStatus();
	}

	/**
	 * An upload the caller may see.
	 * @param caller who asks
	 * @param uploadId the upload
	 * @return the upload
	 * @throws UploadNotFoundException if there is none or it belongs to another user and
	 * the caller is no administrator
	 */
	public Upload get(Caller caller, String uploadId) {
		return this.repository.findById(uploadId)
			.filter(caller::canSee)
			.orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

	/**
	 * An upload the caller owns, to be continued: aborted uploads count as gone.
	 * @param owner the calling user
	 * @param uploadId the upload
	 * @return the upload
	 */
	public Upload getOwn(String owner, String uploadId) {
		Upload upload = load(owner, uploadId);
		if (upload.getStatus() == UploadStatus.ABORTED) {
			throw new UploadNotFoundException(uploadId);
		}
		return upload;
	}

	/**
	 * Uploads the caller may see, newest first.
	 * @param caller who asks
	 * @param everyone whether an administrator wants every user's uploads
	 * @return the uploads
	 */
	public List<Upload> list(Caller caller, boolean everyone) {
		if (everyone && caller.admin()) {
			return this.repository.findAllByOrderByCreatedAtDesc();
		}
		return this.repository.findByOwnerOrderByCreatedAtDesc(caller.name());
	}

	/**
	 * The bytes of a completed upload.
	 * @param caller who asks
	 * @param uploadId the upload
	 * @return the upload and its stored bytes
	 */
	public Content content(Caller caller, String uploadId) {
		Upload upload = get(caller, uploadId);
		if (upload.getStatus() != UploadStatus.COMPLETE) {
			throw new UploadNotFoundException(uploadId);
		}
		try {
			return new Content(upload, this.store.open(upload.getStorageKey()));
		}
		catch (StoredObjectNotFoundException ex) {
			throw new UploadNotFoundException(uploadId);
		}
	}

	/**
	 * Abort an upload, or delete a completed one: its bytes are removed and it answers as
	 * gone from then on. Deleting twice is allowed.
	 * @param caller who asks; administrators may delete any upload
	 * @param uploadId the upload
	 */
	public void delete(Caller caller, String uploadId) {
		get(caller, uploadId);
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			Upload upload = get(caller, uploadId);
			if (upload.getStatus() == UploadStatus.ABORTED) {
				return;
			}
			this.store.delete(upload.getStorageKey());
			Instant now = this.clock.instant();
			record(held, (current) -> current.abort(now));
			logger.info("Upload {} of {} deleted by {}", uploadId, upload.getOwner(), caller.name());
		}
	}

	/**
	 * Mark incomplete uploads idle past their expiry as expired and delete their bytes.
	 * Safe to run on several instances at once: each upload is handled under its lease,
	 * and one that is being written is left for the next run.
	 * @param batchSize how many uploads to look at per query
	 * @return how many uploads were expired
	 */
	public int expireIdleUploads(int batchSize) {
		Instant now = this.clock.instant();
		Instant afterExpires = Instant.EPOCH;
		String afterId = "";
		int expired = 0;
		while (true) {
			List<Upload> batch = this.repository.findExpired(now, afterExpires, afterId, Limit.of(batchSize));
			for (Upload candidate : batch) {
				if (expire(candidate.getId())) {
					expired++;
				}
			}
			if (batch.size() < batchSize) {
				return expired;
			}
			Upload last = batch.get(batch.size() - 1);
			afterExpires = last.getExpiresAt().orElseThrow();
			afterId = last.getId();
		}
	}

	/**
	 * Create an upload that the client describes (media type, metadata, concatenation
	 * role), with its first bytes, which may be none. As with {@link #start}, a refused
	 * first chunk leaves neither a row nor a file behind.
	 * @param owner the creating user
	 * @param protocol the protocol that creates it
	 * @param details what the client says about the upload (the file name is sanitised
	 * here)
	 * @param chunk what the client says about the first bytes
	 * @param body the first bytes
	 * @return the upload after them
	 */
	public Upload create(String owner, UploadProtocol protocol, UploadDetails details, Chunk chunk, InputStream body) {
		if (chunk.offset() != 0) {
			throw new OffsetMismatchException(0, chunk.offset());
		}
		checkLimits(chunk);
		Instant now = this.clock.instant();
		String id = newId();
		String token = this.lease.newToken();
		Upload leased = Upload.leased(id, owner, protocol, SafeFileName.of(details.filename()), chunk.total(),
				storageKey(this.properties.partialPath(), now, id), now, this.properties.expiration(), token,
				this.lease.duration());
		leased.describe(details);
		Upload upload = this.repository.save(leased);
		try (UploadLease.Held held = this.lease.adopt(id, token)) {
			return write(upload, chunk, body, held);
		}
		catch (RuntimeException ex) {
			discard(upload);
			throw ex;
		}
	}

	/**
	 * Fix the total length of an upload created without one (tus's deferred length),
	 * before the bytes that come with the declaration are appended. Declaring the length
	 * it already has does nothing.
	 * @param owner the calling user, who must own the upload
	 * @param uploadId the upload
	 * @param offset where the client believes the upload stands; it must
	 * @param total the total length
	 * @return the upload with its length
	 * @throws InvalidUploadRequestException if the upload has another length or already
	 * more bytes
	 */
	public Upload declareLength(String owner, String uploadId, long offset, long total) {
		checkDeclarable(load(owner, uploadId), offset, total);
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			Upload upload = load(owner, uploadId);
			checkDeclarable(upload, offset, total);
			return record(held, (current) -> current.declareLength(total));
		}
	}

	private void checkDeclarable(Upload upload, long offset, long total) {
		requireWritable(upload);
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		if (total > this.properties.maxBytes().toBytes()) {
			throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
		}
	}

	/**
	 * Change an upload in one short transaction, valid only while the lease is still
	 * held; releases it. For the other services of the core that write under a lease.
	 */
	Upload recordUnderLease(UploadLease.Held held, Consumer<Upload> change) {
		return record(held, change);
	}

	/**
	 * Fail unless the upload takes bytes now (uploading and not expired), for the other
	 * services of the core.
	 */
	void requireWritableNow(Upload upload) {
		requireWritable(upload);
	}

	private boolean expire(String uploadId) {
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			Upload upload = this.repository.findById(uploadId).orElse(null);
			Instant now = this.clock.instant();
			if (upload == null || upload.getStatus() != UploadStatus.UPLOADING || !upload.isExpiredAt(now)) {
				return false;
			}
			// Bytes first: if we die in between, the row still says UPLOADING and the
			// next
			// sweep finishes the job; the reverse order could leave bytes nobody owns.
			this.store.delete(upload.getStorageKey());
			record(held, Upload::expire);
			logger.info("Upload {} of {} expired at {}", uploadId, upload.getOwner(),
					upload.getExpiresAt().orElse(now));
			return true;
		}
		catch (UploadBusyException ex) {
			return false;
		}
	}

	private Upload alreadyComplete(Upload upload, String expectedMd5) {
		String md5 = upload.getMd5().orElseThrow();
		if (expectedMd5 != null && !md5.equals(expectedMd5.toLowerCase(Locale.ROOT))) {
			throw new ChecksumMismatchException(expectedMd5, md5);
		}
		return upload;
	}

	private Upload write(Upload upload, Chunk chunk, InputStream body, UploadLease.Held held) {
		long start = upload.getOffset();
		Long total = (chunk.total() != null) ? chunk.total() : upload.getTotalLength().orElse(null);
		long written = 0;
		long kept = start;
		try (ChunkWriter writer = this.store.openForAppend(upload.getStorageKey(), start);
				PipelinedHasher hasher = new PipelinedHasher(RunningMd5.restore(upload.getHashState()), HASH_BUFFERS,
						(int) this.properties.bufferSize().toBytes(), this.hashExecutor)) {
			while (true) {
				byte[] buffer = hasher.take();
				int n;
				try {
					n = fill(body, buffer);
				}
				catch (BrokenBody ex) {
					if (chunk.keepPartial() && ex.filled > 0) {
						// The bytes that arrived before the break are kept like any
						// other.
						checkRoom(chunk, total, start, written + ex.filled);
						writer.write(buffer, 0, ex.filled);
						hasher.hash(buffer, ex.filled);
						written += ex.filled;
					}
					else {
						hasher.giveBack(buffer);
					}
					if (chunk.keepPartial() && written > 0) {
						writer.sync();
						long arrived = written;
						byte[] state = hasher.finish().saveState();
						record(held, (current) -> current.append(arrived, state, false, this.clock.instant(),
								this.properties.expiration()));
						kept = start + written;
					}
					throw new ChunkInterruptedException(
							"The request body ended early after " + written + " bytes of this chunk", ex.getCause());
				}
				if (n == 0) {
					hasher.giveBack(buffer);
					break;
				}
				checkRoom(chunk, total, start, written + n);
				writer.write(buffer, 0, n);
				hasher.hash(buffer, n);
				written += n;
				held.renewIfDue();
			}
			if (chunk.length() != null && written != chunk.length()) {
				throw new LengthMismatchException(
						"The chunk has " + written + " bytes but its range says " + chunk.length());
			}
			writer.sync();
			long length = written;
			byte[] state = hasher.finish().saveState();
			Instant now = this.clock.instant();
			return record(held,
					(current) -> current.append(length, state, chunk.last(), now, this.properties.expiration()));
		}
		catch (RuntimeException ex) {
			cutBack(upload.getStorageKey(), kept);
			throw ex;
		}
	}

	/**
	 * Enforce every limit while the bytes stream, so no lie in a header gets around one.
	 */
	private void checkRoom(Chunk chunk, Long total, long start, long received) {
		if (chunk.length() != null && received > chunk.length()) {
			throw new LengthMismatchException("The chunk is longer than its range says (" + chunk.length() + " bytes)");
		}
		if (received > this.properties.maxChunkSize().toBytes()) {
			throw new ChunkTooLargeException(this.properties.maxChunkSize().toBytes());
		}
		if (total != null && start + received > total) {
			throw new LengthMismatchException("Bytes past the upload's total length of " + total + " bytes");
		}
		if (start + received > this.properties.maxBytes().toBytes()) {
			throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
		}
	}

	/** Refuse what the headers already show to be too large, before a byte is read. */
	private void checkLimits(Chunk chunk) {
		long maxBytes = this.properties.maxBytes().toBytes();
		if (chunk.total() != null && chunk.total() > maxBytes) {
			throw new UploadTooLargeException(maxBytes);
		}
		if (chunk.length() != null) {
			if (chunk.length() > this.properties.maxChunkSize().toBytes()) {
				throw new ChunkTooLargeException(this.properties.maxChunkSize().toBytes());
			}
			if (chunk.total() != null && chunk.end() > chunk.total()) {
				throw new LengthMismatchException(
						"The chunk ends past the total length of " + chunk.total() + " bytes");
			}
			if (chunk.end() > maxBytes) {
				throw new UploadTooLargeException(maxBytes);
			}
		}
	}

	private void requireWritable(Upload upload) {
		switch (upload.getStatus()) {
			case UPLOADING -> {
				if (upload.isExpiredAt(this.clock.instant())) {
					throw new UploadExpiredException(upload.getId());
				}
			}
			case COMPLETE -> throw new UploadAlreadyCompleteException(upload.getId());
			case EXPIRED -> throw new UploadExpiredException(upload.getId());
			case ABORTED -> throw new UploadNotFoundException(upload.getId());
		}
	}

	private Upload load(String owner, String uploadId) {
		return this.repository.findByIdAndOwner(uploadId, owner)
			.orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

	private Upload record(UploadLease.Held held, Consumer<Upload> change) {
		return this.lease.record(held, change);
	}

	/**
	 * Remove the bytes of a refused chunk now rather than at the next write, so the
	 * stored file never holds more than was acknowledged for longer than a failed
	 * request.
	 */
	private void cutBack(String key, long offset) {
		try {
			this.store.openForAppend(key, offset).close();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not cut {} back to {}; the next write does it", key, offset, ex);
		}
	}

	private void discard(Upload upload) {
		try {
			this.store.delete(upload.getStorageKey());
			this.repository.deleteById(upload.getId());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not remove refused upload {}", upload.getId(), ex);
		}
	}

	private static int fill(InputStream in, byte[] buffer) throws BrokenBody {
		int filled = 0;
		while (filled < buffer.length) {
			int n;
			try {
				n = in.read(buffer, filled, buffer.length - filled);
			}
			catch (IOException ex) {
				throw new BrokenBody(filled, ex);
			}
			if (n < 0) {
				break;
			}
			filled += n;
		}
		return filled;
	}

	/**
	 * The request body broke off; {@code filled} bytes of the buffer arrived before it
	 * did, which a chunk that keeps partial bytes must not lose.
	 */
	private static final class BrokenBody extends Exception {

		private final int filled;

		BrokenBody(int filled, IOException cause) {
			super(cause);
			this.filled = filled;
		}

	}

	static String storageKey(String pattern, Instant date, String uploadId) {
		ZonedDateTime utc = date.atZone(ZoneOffset.UTC);
		return pattern.replace("{yyyy}", String.format("%04d", utc.getYear()))
			.replace("{MM}", String.format("%02d", utc.getMonthValue()))
			.replace("{dd}", String.format("%02d", utc.getDayOfMonth()))
			.replace("{upload_id}", uploadId);
	}

	private static String newId() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	/**
	 * A completed upload and its bytes.
	 *
	 * @param upload the upload
	 * @param object its stored bytes
	 */
	public record Content(Upload upload, StoredObject object) {

	}

}
