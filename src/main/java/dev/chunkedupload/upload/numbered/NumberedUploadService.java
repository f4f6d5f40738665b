package dev.chunkedupload.upload.numbered;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.lease.UploadRows;
import dev.chunkedupload.upload.lease.UploadReads;
import dev.chunkedupload.upload.metrics.ChunkOutcome;
import dev.chunkedupload.upload.metrics.UploadMetrics;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.NewUpload;
import dev.chunkedupload.upload.model.SafeFileName;
import dev.chunkedupload.upload.model.UploadAdmissions;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadDiscarded;
import dev.chunkedupload.upload.model.UploadIds;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadStatus;
import dev.chunkedupload.upload.numbered.NumberedChunkRecords.Binding;
import dev.chunkedupload.upload.numbered.NumberedChunkRecords.ChunkRow;
import dev.chunkedupload.upload.write.NumberedPieces;
import dev.chunkedupload.upload.write.StorageService;

import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uploads whose chunks are numbered and arrive in parallel, out of order and repeated
 * (resumable.js, flow.js). Each chunk is written straight to its byte position in the
 * upload's one {@code .part} file; the stored chunk numbers are rows, so the cost of a
 * chunk does not grow with the number of chunks. How they share the work across instances
 * is told in {@code package-info}. No transaction is open while bytes flow.
 */
@Service
public class NumberedUploadService {

	private static final Logger logger = LoggerFactory.getLogger(NumberedUploadService.class);

	/** How long recording a chunk waits for deletion, expiry or completion to let go. */
	private static final Duration RECORD_WAIT = Duration.ofSeconds(5);

	private final UploadReads uploads;

	private final NumberedChunkRecords records;

	private final StorageService storage;

	private final NumberedPieces pieces;

	private final Leases leases;

	private final UploadRows rows;

	private final PrefixHasher hasher;

	private final UploadProperties properties;

	private final Clock clock;

	private final TransactionTemplate transaction;

	private final UploadAdmissions admissions;

	private final UploadMetrics metrics;

	NumberedUploadService(UploadReads uploads, NumberedChunkRecords records, StorageService storage,
			NumberedPieces pieces, Leases leases, UploadRows rows, PrefixHasher hasher, UploadProperties properties,
			Clock clock, TransactionTemplate transaction, UploadAdmissions admissions, UploadMetrics metrics) {
		this.metrics = metrics;
		this.uploads = uploads;
		this.admissions = admissions;
		this.records = records;
		this.storage = storage;
		this.pieces = pieces;
		this.leases = leases;
		this.rows = rows;
		this.hasher = hasher;
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
		ChunkedUpload upload = this.uploads.byId(binding.get().uploadId()).orElse(null);
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
		return this.metrics.chunk(protocol, () -> writeChunk(owner, protocol, chunk, body),
				(receipt) -> receipt.duplicate() ? ChunkOutcome.DUPLICATE : ChunkOutcome.STORED);
	}

	private ChunkReceipt writeChunk(String owner, UploadProtocol protocol, NumberedChunk chunk, InputStream body) {
		chunk.checkAgainst(this.properties.maxBytes().toBytes(), this.properties.maxChunkSize().toBytes());
		ChunkedUpload upload = findOrStart(owner, protocol, chunk);
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return receipt(upload, true);
		}
		Lease claim = claim(upload.getId(), chunk.number());
		if (claim == null) {
			return receipt(completeIfFull(upload.getId(), chunk), true);
		}
		try (claim) {
			writeClaimed(upload, chunk, body, claim);
			recordStored(upload.getId(), chunk.number(), claim.token());
			claim.releasedWithRecord();
		}
		catch (UploadAlreadyCompleteException ex) {
			// The other chunks completed the upload after we found it and before we
			// claimed (completion deletes the chunk rows, then our claim finds the bytes
			// moved). Completion needs every chunk number stored, so this chunk is a
			// duplicate: answer as for one, not with an error a client gives up on.
			return receipt(reload(upload.getId()), true);
		}
		this.hasher.advance(upload.getId(), chunk.layout());
		int stored = this.records.countStored(upload.getId());
		if (stored == chunk.layout().totalChunks()) {
			return new ChunkReceipt(this.hasher.completeWhenFull(upload.getId()), stored, chunk.layout().totalChunks(),
					false);
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

	/**
	 * Remove the chunks of a given-up upload that were stored as objects of their own.
	 * @param event the upload whose bytes were given up
	 */
	@EventListener
	void discarded(UploadDiscarded event) {
		if (this.pieces.writesInPlace()) {
			// Chunks went into the upload's own bytes: nothing apart to delete, no query.
			return;
		}
		this.records.find(event.uploadId())
			.ifPresent((binding) -> this.pieces.deletePieces(event.storageKey(), binding.totalChunks()));
	}

	/**
	 * The owner's upload of this file, begun empty in the store if there is none. Two
	 * first chunks at once both try to insert the client key; the unique index lets one
	 * win and the other uses the winner's upload.
	 */
	private ChunkedUpload findOrStart(String owner, UploadProtocol protocol, NumberedChunk chunk) {
		String key = clientKey(chunk);
		for (int attempt = 0; attempt < 5; attempt++) {
			Optional<Binding> binding = this.records.findBound(owner, key);
			if (binding.isPresent()) {
				ChunkedUpload upload = this.uploads.byId(binding.get().uploadId()).orElse(null);
				if (upload == null || upload.getStatus() == UploadStatus.ABORTED) {
					this.records.unbind(binding.get().uploadId());
					continue;
				}
				if (upload.isExpiredAt(this.clock.instant())) {
					// The chunks the client sent before are gone: starting afresh
					// silently would make an upload that never completes. Refuse once;
					// the client's retry of the file starts a new upload.
					this.records.unbind(upload.getId());
					throw new UploadExpiredException(upload.getId());
				}
				if (!binding.get().matches(chunk.layout())) {
					throw new LengthMismatchException("This file's upload has " + binding.get().totalChunks()
							+ " chunks of " + binding.get().chunkSize() + " bytes; the chunk size cannot change");
				}
				return upload;
			}
			ChunkedUpload started = start(owner, protocol, chunk, key);
			if (started != null) {
				return started;
			}
		}
		throw new UploadBusyException(key);
	}

	private ChunkedUpload start(String owner, UploadProtocol protocol, NumberedChunk chunk, String key) {
		this.admissions.admit(new NewUpload(owner, protocol, new UploadDetails(chunk.filename(), null, null, null),
				chunk.layout().totalSize()));
		Instant now = this.clock.instant();
		String id = UploadIds.next();
		String storageKey = this.storage.newKey(now, id);
		this.pieces.begin(storageKey);
		ChunkedUpload fresh = new ChunkedUpload(id, owner, protocol, SafeFileName.of(chunk.filename()),
				chunk.layout().totalSize(), storageKey, now, this.properties.expiration());
		try {
			ChunkedUpload upload = this.transaction.execute((status) -> {
				ChunkedUpload saved = this.rows.insert(fresh);
				this.records.insert(id, owner, key, chunk.layout());
				return saved;
			});
			logger.info("Upload {} of {} started: {} chunks of {} bytes", id, owner, chunk.layout().totalChunks(),
					chunk.layout().chunkSize());
			return upload;
		}
		catch (DataIntegrityViolationException ex) {
			// Another request started this file's upload first.
			this.storage.discard(fresh);
			return null;
		}
		catch (RuntimeException ex) {
			this.storage.discard(fresh);
			throw ex;
		}
	}

	/**
	 * Claim a chunk for this request.
	 * @return the claim, or {@code null} if the chunk is already stored
	 * @throws UploadBusyException if another request holds the claim
	 */
	private Lease claim(String uploadId, int number) {
		String token = this.leases.newToken();
		for (int attempt = 0; attempt < 3; attempt++) {
			Instant now = this.clock.instant();
			Instant until = now.plus(this.leases.duration());
			if (this.records.insertClaim(uploadId, number, token, until)) {
				return this.leases.hold(uploadId, token, this.records.claimRow(uploadId, number));
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
					&& this.records.takeOverClaim(uploadId, number, token, now, until) == 1) {
				return this.leases.hold(uploadId, token, this.records.claimRow(uploadId, number));
			}
			throw new UploadBusyException(uploadId);
		}
		throw new UploadBusyException(uploadId);
	}

	private void writeClaimed(ChunkedUpload upload, NumberedChunk chunk, InputStream body, Lease claim) {
		try {
			this.pieces.writePiece(upload, chunk.number(), chunk.layout().start(chunk.number()), chunk.length(), body,
					claim);
		}
		catch (StoredObjectNotFoundException ex) {
			// Deleted or expired while we got here.
			throw PrefixHasher.gone(reload(upload.getId()), this.clock.instant());
		}
	}

	/**
	 * Mark the chunk stored and the upload active, in one short transaction, once the
	 * upload's lease is free.
	 */
	private void recordStored(String uploadId, int number, String token) {
		Instant deadline = this.clock.instant().plus(RECORD_WAIT);
		while (true) {
			Instant now = this.clock.instant();
			boolean recorded = this.rows.change(uploadId, (upload) -> {
				if (upload.getStatus() != UploadStatus.UPLOADING || upload.isExpiredAt(now)) {
					throw PrefixHasher.gone(upload, now);
				}
				if (!upload.recordActivity(now, this.properties.expiration())) {
					return false;
				}
				if (this.records.markStored(uploadId, number, token, now) != 1) {
					throw new UploadBusyException(uploadId);
				}
				return true;
			});
			if (recorded) {
				return;
			}
			if (this.clock.instant().isAfter(deadline)) {
				throw new UploadBusyException(uploadId);
			}
			this.leases.pause();
		}
	}

	/**
	 * A chunk sent again retries a completion that failed after the last chunk was
	 * stored.
	 */
	private ChunkedUpload completeIfFull(String uploadId, NumberedChunk chunk) {
		ChunkedUpload upload = reload(uploadId);
		if (upload.getStatus() == UploadStatus.UPLOADING
				&& this.records.countStored(uploadId) == chunk.layout().totalChunks()) {
			return this.hasher.completeWhenFull(uploadId);
		}
		return upload;
	}

	private ChunkReceipt receipt(ChunkedUpload upload, boolean duplicate) {
		Binding binding = this.records.find(upload.getId())
			.orElseThrow(() -> new UploadNotFoundException(upload.getId()));
		int stored = (upload.getStatus() == UploadStatus.COMPLETE) ? binding.totalChunks()
				: this.records.countStored(upload.getId());
		return new ChunkReceipt(upload, stored, binding.totalChunks(), duplicate);
	}

	private ChunkedUpload reload(String uploadId) {
		return this.uploads.byId(uploadId).orElseThrow(() -> new UploadNotFoundException(uploadId));
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

}
