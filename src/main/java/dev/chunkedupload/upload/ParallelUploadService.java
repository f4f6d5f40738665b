package dev.chunkedupload.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.ChunkStore;
import dev.chunkedupload.storage.ChunkWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.upload.ParallelUploadRecords.Binding;
import dev.chunkedupload.upload.ParallelUploadRecords.ChunkRow;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uploads whose chunks are numbered and arrive in parallel, out of order and repeated
 * (resumable.js, flow.js). Each chunk is written straight to its byte position in the
 * upload's one {@code .part} file; the stored chunk numbers are rows, so the cost of a
 * chunk does not grow with the number of chunks.
 * <p>
 * Who may write what, across every instance sharing the database:
 * <ul>
 * <li>A chunk is written by the request that <b>claimed</b> it: inserting its row fails
 * on the primary key for everyone else (busy while the claim's lease runs, the same
 * answer as a duplicate once it is stored). Different chunks of one upload are written at
 * the same time.</li>
 * <li>After {@code fsync}, a short transaction marks the chunk stored and records the
 * activity, but only while the upload's own lease is free: that lease is what deletion,
 * expiry and completion take, so a chunk is never acknowledged into an upload one of them
 * is ending.</li>
 * <li>The MD5 is advanced over the contiguous prefix of stored chunks (the
 * {@code upload_offset} and {@code hash_state} columns) by whoever holds the upload's
 * <b>hash lease</b>, reading back bytes that were just written and are still in the page
 * cache. A request that finds the hash lease taken leaves the work to its holder, who
 * looks again after releasing it.</li>
 * <li>Completion happens when the number of stored chunks equals the number of chunks,
 * never by adding sizes: the request that sees this takes the upload lease, finishes the
 * MD5 (normally only the last chunks are left), moves the file and records COMPLETE in a
 * transaction guarded by that lease, so it happens exactly once.</li>
 * </ul>
 * No transaction is open while bytes flow.
 */
@Service
public class ParallelUploadService {

	private static final Logger logger = LoggerFactory.getLogger(ParallelUploadService.class);

	private static final SecureRandom random = new SecureRandom();

	/** How many stored chunk numbers one query of the prefix walk looks at. */
	private static final int PREFIX_BATCH = 512;

	/** How long a request waits between looks at a lease someone else holds. */
	private static final Duration POLL = Duration.ofMillis(20);

	/**
	 * How long recording a chunk waits for the upload's lease (held briefly by deletion,
	 * expiry or completion).
	 */
	private static final Duration RECORD_WAIT = Duration.ofSeconds(5);

	private final UploadRepository uploads;

	private final ParallelUploadRecords records;

	private final ChunkStore store;

	private final UploadLease lease;

	private final UploadProperties properties;

	private final Clock clock;

	private final TransactionTemplate transaction;

	ParallelUploadService(UploadRepository uploads, ParallelUploadRecords records, ChunkStore store, UploadLease lease,
			UploadProperties properties, Clock clock, TransactionTemplate transaction) {
		this.uploads = uploads;
		this.records = records;
		this.store = store;
		this.lease = lease;
		this.properties = properties;
		this.clock = clock;
		this.transaction = transaction;
	}

	/**
	 * Whether a chunk is stored, for a client that asks before sending it. Changes
	 * nothing, creates nothing.
	 * @param owner the calling user
	 * @param chunk the chunk as the client describes it
	 * @return the upload, if the owner's upload of that file has the chunk with that
	 * layout (every chunk of a completed upload counts as stored); empty otherwise
	 */
	public Optional<ChunkReceipt> findStored(String owner, NumberedChunk chunk) {
		Optional<Binding> binding = this.records.findBound(owner, clientKey(chunk));
		if (binding.isEmpty() || !binding.get().matches(chunk.layout())) {
			return Optional.empty();
		}
		Upload upload = this.uploads.findById(binding.get().uploadId()).orElse(null);
		if (upload == null) {
			return Optional.empty();
		}
		boolean stored = switch (upload.getStatus()) {
			case COMPLETE -> true;
			case UPLOADING ->
				!upload.isExpiredAt(this.clock.instant()) && this.records.isStored(upload.getId(), chunk.number());
			case ABORTED, EXPIRED -> false;
		};
		return stored ? Optional.of(receipt(upload, true)) : Optional.empty();
	}

	/**
	 * Whether a chunk is stored; see {@link #findStored}.
	 * @param owner the calling user
	 * @param chunk the chunk as the client describes it
	 * @return {@code true} if it is
	 */
	public boolean isStored(String owner, NumberedChunk chunk) {
		return findStored(owner, chunk).isPresent();
	}

	/**
	 * Store one chunk at its position. The first chunk of a file (whichever number it
	 * has) starts the upload; a chunk that is already stored is answered without reading
	 * the body; the chunk that makes the set full completes the upload.
	 * @param owner the calling user
	 * @param protocol the protocol the chunk came with
	 * @param chunk the chunk as the client describes it
	 * @param body exactly {@code chunk.length()} bytes
	 * @return what was done
	 * @throws UploadBusyException if another request is writing the same chunk
	 * @throws UploadExpiredException if the owner's upload of this file expired (it no
	 * longer answers to this file, so sending it again starts a new upload)
	 */
	public ChunkReceipt write(String owner, UploadProtocol protocol, NumberedChunk chunk, InputStream body) {
		checkLimits(chunk);
		Upload upload = findOrStart(owner, protocol, chunk);
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return receipt(upload, true);
		}
		String token = claim(upload.getId(), chunk.number());
		if (token == null) {
			return receipt(reload(upload.getId()), true);
		}
		try {
			writeAt(upload, chunk, body, token);
			recordStored(upload.getId(), chunk.number(), token);
		}
		catch (UploadAlreadyCompleteException ex) {
			// The other chunks completed the upload after we found it and before we
			// claimed (completion deletes the chunk rows, then our claim finds the
			// .part file moved). Completion needs every chunk number stored, so this
			// chunk is a duplicate: answer as for one, not with an error a client gives
			// up on.
			releaseClaim(upload.getId(), chunk.number(), token);
			return receipt(reload(upload.getId()), true);
		}
		catch (RuntimeException ex) {
			releaseClaim(upload.getId(), chunk.number(), token);
			throw ex;
		}
		try {
			advance(upload.getId());
		}
		catch (RuntimeException ex) {
			// The chunk is stored; completion finishes whatever the prefix misses.
			logger.warn("Could not advance the MD5 of upload {}", upload.getId(), ex);
		}
		int stored = this.records.countStored(upload.getId());
		if (stored == chunk.layout().totalChunks()) {
			return new ChunkReceipt(completeWhenFull(upload.getId()), stored, chunk.layout().totalChunks(), false);
		}
		return new ChunkReceipt(reload(upload.getId()), stored, chunk.layout().totalChunks(), false);
	}

	/**
	 * Delete the chunk rows of uploads that no longer take chunks, and free the client
	 * keys of aborted and expired ones.
	 */
	@Scheduled(fixedDelayString = "${chunked-upload.sweep-interval:5m}",
			initialDelayString = "${chunked-upload.sweep-interval:5m}")
	void sweep() {
		try {
			this.records.deleteFinished();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not clean up chunk rows; trying again at the next interval", ex);
		}
	}

	private void checkLimits(NumberedChunk chunk) {
		long maxBytes = this.properties.maxBytes().toBytes();
		if (chunk.layout().totalSize() > maxBytes) {
			throw new UploadTooLargeException(maxBytes);
		}
		long maxChunk = this.properties.maxChunkSize().toBytes();
		if (chunk.length() > maxChunk) {
			throw new ChunkTooLargeException(maxChunk);
		}
	}

	/**
	 * The owner's upload of this file, created with an empty {@code .part} file if there
	 * is none. Two first chunks at once both try to insert the client key; the unique
	 * index lets one win and the other uses the winner's upload.
	 */
	private Upload findOrStart(String owner, UploadProtocol protocol, NumberedChunk chunk) {
		String key = clientKey(chunk);
		for (int attempt = 0; attempt < 5; attempt++) {
			Optional<Binding> binding = this.records.findBound(owner, key);
			if (binding.isPresent()) {
				Upload upload = this.uploads.findById(binding.get().uploadId()).orElse(null);
				if (upload == null || upload.getStatus() == UploadStatus.ABORTED) {
					this.records.unbind(binding.get().uploadId());
					continue;
				}
				if (upload.isExpiredAt(this.clock.instant())) {
					// The chunks the client sent before are gone: starting afresh
					// silently
					// would make an upload that never completes. Refuse once; the
					// client's
					// retry of the file starts a new upload.
					this.records.unbind(upload.getId());
					throw new UploadExpiredException(upload.getId());
				}
				if (!binding.get().matches(chunk.layout())) {
					throw new LengthMismatchException("This file's upload has " + binding.get().totalChunks()
							+ " chunks of " + binding.get().chunkSize() + " bytes; the chunk size cannot change");
				}
				return upload;
			}
			Upload started = start(owner, protocol, chunk, key);
			if (started != null) {
				return started;
			}
		}
		throw new UploadBusyException(key);
	}

	private Upload start(String owner, UploadProtocol protocol, NumberedChunk chunk, String key) {
		Instant now = this.clock.instant();
		String id = newId();
		String storageKey = UploadService.storageKey(this.properties.partialPath(), now, id);
		this.store.create(storageKey);
		try {
			Upload upload = this.transaction.execute((status) -> {
				Upload saved = this.uploads
					.saveAndFlush(new Upload(id, owner, protocol, SafeFileName.of(chunk.filename()),
							chunk.layout().totalSize(), storageKey, now, this.properties.expiration()));
				this.records.insert(id, owner, key, chunk.layout());
				return saved;
			});
			logger.info("Upload {} of {} started: {} chunks of {} bytes", id, owner, chunk.layout().totalChunks(),
					chunk.layout().chunkSize());
			return upload;
		}
		catch (DataIntegrityViolationException ex) {
			// Another request started this file's upload first.
			this.store.delete(storageKey);
			return null;
		}
		catch (RuntimeException ex) {
			this.store.delete(storageKey);
			throw ex;
		}
	}

	/**
	 * Claim a chunk for this request.
	 * @return the claim's token, or {@code null} if the chunk is already stored
	 * @throws UploadBusyException if another request holds the claim
	 */
	private String claim(String uploadId, int number) {
		String token = this.lease.newToken();
		for (int attempt = 0; attempt < 3; attempt++) {
			Instant now = this.clock.instant();
			if (this.records.insertClaim(uploadId, number, token, now.plus(this.lease.duration()))) {
				return token;
			}
			Optional<ChunkRow> row = this.records.findChunk(uploadId, number);
			if (row.isEmpty()) {
				// Released between our insert and our look: try again.
				continue;
			}
			if (row.get().stored()) {
				return null;
			}
			if (row.get().leaseUntil() != null && row.get().leaseUntil().isBefore(now)
					&& this.records.takeOverClaim(uploadId, number, token, now, now.plus(this.lease.duration())) == 1) {
				return token;
			}
			throw new UploadBusyException(uploadId);
		}
		throw new UploadBusyException(uploadId);
	}

	private void releaseClaim(String uploadId, int number, String token) {
		try {
			this.records.releaseClaim(uploadId, number, token);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not release the claim of chunk {} of upload {}; it lapses", number, uploadId, ex);
		}
	}

	private void writeAt(Upload upload, NumberedChunk chunk, InputStream body, String token) {
		long expected = chunk.length();
		Instant renewedAt = this.clock.instant();
		Duration renewEvery = this.lease.duration().dividedBy(3);
		byte[] buffer = new byte[(int) Math.min(this.properties.bufferSize().toBytes(), Math.max(expected, 1))];
		try (ChunkWriter writer = this.store.openAt(upload.getStorageKey(), chunk.layout().start(chunk.number()))) {
			long written = 0;
			while (true) {
				int n;
				try {
					n = fill(body, buffer);
				}
				catch (IOException ex) {
					throw new ChunkInterruptedException(
							"The request body ended early after " + written + " bytes of this chunk", ex);
				}
				if (n == 0) {
					break;
				}
				if (written + n > expected) {
					throw new LengthMismatchException("The chunk is longer than its stated " + expected + " bytes");
				}
				Instant now = this.clock.instant();
				if (Duration.between(renewedAt, now).compareTo(renewEvery) >= 0) {
					if (this.records.renewClaim(upload.getId(), chunk.number(), token, now,
							now.plus(this.lease.duration())) != 1) {
						throw new UploadBusyException(upload.getId());
					}
					renewedAt = now;
				}
				writer.write(buffer, 0, n);
				written += n;
			}
			if (written != expected) {
				throw new LengthMismatchException(
						"The chunk has " + written + " bytes but its stated size is " + expected);
			}
			writer.sync();
		}
		catch (StoredObjectNotFoundException ex) {
			// Deleted or expired while we got here.
			throw gone(reload(upload.getId()));
		}
	}

	/**
	 * Mark the chunk stored and the upload active, in one short transaction, once the
	 * upload's lease is free.
	 */
	private void recordStored(String uploadId, int number, String token) {
		Instant deadline = this.clock.instant().plus(RECORD_WAIT);
		while (true) {
			Boolean recorded = this.transaction.execute((status) -> {
				Instant now = this.clock.instant();
				if (this.records.touch(uploadId, now, now.plus(this.properties.expiration())) != 1) {
					Upload upload = this.uploads.findById(uploadId)
						.orElseThrow(() -> new UploadNotFoundException(uploadId));
					if (upload.getStatus() != UploadStatus.UPLOADING || upload.isExpiredAt(now)) {
						throw gone(upload);
					}
					return false;
				}
				if (this.records.markStored(uploadId, number, token, now) != 1) {
					status.setRollbackOnly();
					throw new UploadBusyException(uploadId);
				}
				return true;
			});
			if (Boolean.TRUE.equals(recorded)) {
				return;
			}
			if (this.clock.instant().isAfter(deadline)) {
				throw new UploadBusyException(uploadId);
			}
			pause();
		}
	}

	/**
	 * Advance the MD5 over newly contiguous chunks if nobody else is doing it. Whoever
	 * holds the hash lease looks once more after releasing it, so a chunk stored while it
	 * was busy is never left behind until the next chunk.
	 */
	private void advance(String uploadId) {
		for (int round = 0; round < 3; round++) {
			String token = this.lease.newToken();
			Instant now = this.clock.instant();
			if (this.records.acquireHashLease(uploadId, token, now, now.plus(this.lease.duration())) != 1) {
				return;
			}
			try {
				advanceHeld(uploadId, token, () -> {
				});
			}
			finally {
				this.records.releaseHashLease(uploadId, token);
			}
			if (!nextChunkStored(uploadId)) {
				return;
			}
		}
	}

	private boolean nextChunkStored(String uploadId) {
		Upload upload = this.uploads.findById(uploadId).orElse(null);
		if (upload == null || upload.getStatus() != UploadStatus.UPLOADING
				|| upload.getOffset() == upload.getTotalLength().orElse(0L)) {
			return false;
		}
		ChunkLayout layout = layout(upload);
		return this.records.isStored(uploadId, layout.chunkAt(upload.getOffset()));
	}

	/**
	 * Hash stored chunks from the recorded prefix on, in order, while they are
	 * contiguous, and record each step. The caller holds the hash lease.
	 * @param renew called between buffers, to keep the caller's leases alive
	 */
	private void advanceHeld(String uploadId, String hashToken, Runnable renew) {
		Instant renewedAt = this.clock.instant();
		Duration renewEvery = this.lease.duration().dividedBy(3);
		while (true) {
			Upload upload = this.uploads.findById(uploadId).orElse(null);
			if (upload == null || upload.getStatus() != UploadStatus.UPLOADING) {
				return;
			}
			long offset = upload.getOffset();
			long total = upload.getTotalLength().orElseThrow();
			if (offset >= total) {
				return;
			}
			ChunkLayout layout = layout(upload);
			int next = layout.chunkAt(offset);
			List<Integer> stored = this.records.storedFrom(uploadId, next, PREFIX_BATCH);
			int last = next - 1;
			for (int number : stored) {
				if (number != last + 1) {
					break;
				}
				last = number;
			}
			if (last < next) {
				return;
			}
			long end = layout.end(last);
			RunningMd5 md5 = RunningMd5.restore(upload.getHashState());
			byte[] buffer = new byte[(int) Math.min(this.properties.bufferSize().toBytes(), end - offset)];
			try (InputStream in = this.store.open(upload.getStorageKey()).openStream(offset)) {
				long position = offset;
				while (position < end) {
					int n = in.read(buffer, 0, (int) Math.min(buffer.length, end - position));
					if (n < 0) {
						throw new StorageException("Stored object " + upload.getStorageKey() + " ends at " + position
								+ " before the stored chunks do (" + end + ")");
					}
					md5.update(buffer, 0, n);
					position += n;
					Instant now = this.clock.instant();
					if (Duration.between(renewedAt, now).compareTo(renewEvery) >= 0) {
						if (this.records.renewHashLease(uploadId, hashToken, now,
								now.plus(this.lease.duration())) != 1) {
							return;
						}
						renew.run();
						renewedAt = now;
					}
				}
			}
			catch (IOException ex) {
				throw new StorageException("Cannot read " + upload.getStorageKey(), ex);
			}
			if (this.records.advance(uploadId, offset, end, md5.saveState()) != 1) {
				return;
			}
		}
	}

	/**
	 * Complete an upload whose every chunk is stored. Exactly one request does it (the
	 * one that takes the upload's lease); the others wait for it, within limits, and
	 * answer what it recorded.
	 */
	private Upload completeWhenFull(String uploadId) {
		Instant deadline = this.clock.instant().plus(this.lease.duration());
		while (true) {
			try {
				return complete(uploadId);
			}
			catch (UploadBusyException ex) {
				Upload upload = reload(uploadId);
				if (upload.getStatus() != UploadStatus.UPLOADING || this.clock.instant().isAfter(deadline)) {
					return upload;
				}
				pause();
			}
		}
	}

	private Upload complete(String uploadId) {
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			Upload upload = reload(uploadId);
			if (upload.getStatus() != UploadStatus.UPLOADING) {
				return upload;
			}
			if (upload.isExpiredAt(this.clock.instant())) {
				throw new UploadExpiredException(uploadId);
			}
			ChunkLayout layout = layout(upload);
			if (this.records.countStored(uploadId) != layout.totalChunks()) {
				return upload;
			}
			String hashToken = takeHashLease(uploadId, held);
			try {
				advanceHeld(uploadId, hashToken, held::renewIfDue);
			}
			finally {
				this.records.releaseHashLease(uploadId, hashToken);
			}
			upload = reload(uploadId);
			long total = upload.getTotalLength().orElseThrow();
			if (upload.getOffset() != total) {
				throw new StorageException("Upload " + uploadId + " has every chunk but " + "its MD5 reached only "
						+ upload.getOffset() + " of " + total + " bytes");
			}
			String md5 = RunningMd5.hexDigest(upload.getHashState());
			String finalKey = UploadService.storageKey(this.properties.completePath(), upload.getCreatedAt(), uploadId);
			this.store.promote(upload.getStorageKey(), finalKey);
			Instant now = this.clock.instant();
			Upload completed = record(held, (current) -> current.complete(finalKey, md5, now));
			try {
				this.records.deleteChunks(uploadId);
			}
			catch (RuntimeException ex) {
				logger.debug("Chunk rows of {} left for the sweep", uploadId, ex);
			}
			logger.info("Upload {} of {} complete: {} bytes in {} chunks, md5 {}", uploadId, completed.getOwner(),
					total, layout.totalChunks(), md5);
			return completed;
		}
	}

	/**
	 * The hash lease, for completion: an advancer still running finishes its step first
	 * (or lets its lease lapse if it died).
	 */
	private String takeHashLease(String uploadId, UploadLease.Held held) {
		String token = this.lease.newToken();
		Instant deadline = this.clock.instant().plus(this.lease.duration().multipliedBy(2));
		while (true) {
			Instant now = this.clock.instant();
			if (this.records.acquireHashLease(uploadId, token, now, now.plus(this.lease.duration())) == 1) {
				return token;
			}
			if (now.isAfter(deadline)) {
				throw new UploadBusyException(uploadId);
			}
			held.renewIfDue();
			pause();
		}
	}

	private Upload record(UploadLease.Held held, Consumer<Upload> change) {
		return this.lease.record(held, change);
	}

	private ChunkReceipt receipt(Upload upload, boolean duplicate) {
		Binding binding = this.records.find(upload.getId())
			.orElseThrow(() -> new UploadNotFoundException(upload.getId()));
		int stored = (upload.getStatus() == UploadStatus.COMPLETE) ? binding.totalChunks()
				: this.records.countStored(upload.getId());
		return new ChunkReceipt(upload, stored, binding.totalChunks(), duplicate);
	}

	private ChunkLayout layout(Upload upload) {
		return this.records.find(upload.getId())
			.orElseThrow(() -> new UploadNotFoundException(upload.getId()))
			.layout(upload.getTotalLength().orElseThrow());
	}

	private Upload reload(String uploadId) {
		return this.uploads.findById(uploadId).orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

	private UploadException gone(Upload upload) {
		return switch (upload.getStatus()) {
			case EXPIRED -> new UploadExpiredException(upload.getId());
			case UPLOADING -> upload.isExpiredAt(this.clock.instant()) ? new UploadExpiredException(upload.getId())
					: new UploadBusyException(upload.getId());
			case COMPLETE -> new UploadAlreadyCompleteException(upload.getId());
			case ABORTED -> new UploadNotFoundException(upload.getId());
		};
	}

	private void pause() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UploadBusyException("interrupted");
		}
	}

	/**
	 * The key of a file for its owner: one upload per identifier, total size and file
	 * name, hashed so the unique index has a fixed, short width whatever the client
	 * sends.
	 */
	static String clientKey(NumberedChunk chunk) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			String joined = chunk.identifier() + '\u0000' + chunk.layout().totalSize() + '\u0000' + chunk.filename();
			return HexFormat.of().formatHex(sha.digest(joined.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int fill(InputStream in, byte[] buffer) throws IOException {
		int filled = 0;
		while (filled < buffer.length) {
			int n = in.read(buffer, filled, buffer.length - filled);
			if (n < 0) {
				break;
			}
			filled += n;
		}
		return filled;
	}

	private static String newId() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
