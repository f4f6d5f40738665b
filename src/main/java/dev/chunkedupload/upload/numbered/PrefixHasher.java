package dev.chunkedupload.upload.numbered;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.UploadAlreadyCompleteException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.lease.UploadRows;
import dev.chunkedupload.upload.lease.UploadReads;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadStatus;
import dev.chunkedupload.upload.write.NumberedPieces;
import dev.chunkedupload.upload.write.StorageService;

import org.springframework.stereotype.Component;

/**
 * Carries the MD5 of an upload with numbered chunks over the contiguous prefix of stored
 * chunks as they arrive, and completes the upload when every chunk is stored.
 * <p>
 * The prefix (the upload's offset and hash state) moves under the upload's <b>hash
 * lease</b>: a request that finds it taken leaves the work to its holder, who looks again
 * after releasing it. Completion happens when the number of stored chunks equals the
 * number of chunks, never by adding sizes: the request that sees this takes the upload
 * lease, finishes the MD5 (normally only the last chunks are left), and completes through
 * {@link StorageService}, so it happens exactly once.
 */
@Component
class PrefixHasher {

	private static final Logger logger = LoggerFactory.getLogger(PrefixHasher.class);

	/** How many stored chunk numbers one query of the prefix walk looks at. */
	private static final int PREFIX_BATCH = 512;

	private final UploadReads uploads;

	private final NumberedChunkRecords records;

	private final StorageService storage;

	private final NumberedPieces pieces;

	private final Leases leases;

	private final UploadRows rows;

	private final Clock clock;

	PrefixHasher(UploadReads uploads, NumberedChunkRecords records, StorageService storage, NumberedPieces pieces,
			Leases leases, UploadRows rows, Clock clock) {
		this.uploads = uploads;
		this.records = records;
		this.storage = storage;
		this.pieces = pieces;
		this.leases = leases;
		this.rows = rows;
		this.clock = clock;
	}

	/**
	 * Advance the MD5 over newly contiguous chunks if nobody else is doing it. Whoever
	 * holds the hash lease looks once more after releasing it, so a chunk stored while it
	 * was busy is never left behind until the next chunk. A failure is only logged: the
	 * chunk is stored, and completion finishes whatever the prefix misses.
	 * @param uploadId the upload
	 * @param layout its chunks, as its binding says (the caller knows them: no query)
	 */
	void advance(String uploadId, ChunkLayout layout) {
		try {
			for (int round = 0; round < 3; round++) {
				Lease hashLease = tryHashLease(uploadId);
				if (hashLease == null) {
					return;
				}
				try (hashLease) {
					advanceHeld(uploadId, layout, null, hashLease::renewIfDue);
				}
				if (!nextChunkStored(uploadId, layout)) {
					return;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not advance the MD5 of upload {}", uploadId, ex);
		}
	}

	/**
	 * Complete an upload whose every chunk is stored. Exactly one request does it (the
	 * one that takes the upload's lease); the others wait for it, within limits, and
	 * answer what it recorded.
	 * @param uploadId the upload
	 * @return the upload, complete unless another request is still completing it
	 */
	ChunkedUpload completeWhenFull(String uploadId) {
		Instant deadline = this.clock.instant().plus(this.leases.duration());
		while (true) {
			try {
				return complete(uploadId);
			}
			catch (UploadBusyException ex) {
				ChunkedUpload upload = reload(uploadId);
				if (upload.getStatus() != UploadStatus.UPLOADING || this.clock.instant().isAfter(deadline)) {
					return upload;
				}
				this.leases.pause();
			}
		}
	}

	private ChunkedUpload complete(String uploadId) {
		try (Lease held = this.leases.acquire(uploadId)) {
			ChunkedUpload upload = reload(uploadId);
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
			try (Lease hashLease = takeHashLease(uploadId, held)) {
				advanceHeld(uploadId, layout, held.token(), () -> {
					hashLease.renewIfDue();
					held.renewIfDue();
				});
			}
			upload = reload(uploadId);
			long total = upload.getTotalLength().orElseThrow();
			if (upload.getOffset() != total) {
				throw new StorageException("Upload " + uploadId + " has every chunk but its MD5 reached only "
						+ upload.getOffset() + " of " + total + " bytes");
			}
			String partialKey = upload.getStorageKey();
			this.pieces.joinPieces(upload, layout.lengths(), held::renewIfDue);
			ChunkedUpload completed = this.storage.complete(upload, held, null);
			try {
				this.records.deleteChunks(uploadId);
				this.pieces.deletePieces(partialKey, layout.totalChunks());
			}
			catch (RuntimeException ex) {
				logger.debug("Chunk rows of {} left for the sweep", uploadId, ex);
			}
			return completed;
		}
	}

	/**
	 * The hash lease, for completion: an advancer still running finishes its step first
	 * (or lets its lease lapse if it died).
	 */
	private Lease takeHashLease(String uploadId, Lease held) {
		Instant deadline = this.clock.instant().plus(this.leases.duration().multipliedBy(2));
		while (true) {
			Lease hashLease = tryHashLease(uploadId);
			if (hashLease != null) {
				return hashLease;
			}
			if (this.clock.instant().isAfter(deadline)) {
				throw new UploadBusyException(uploadId);
			}
			held.renewIfDue();
			this.leases.pause();
		}
	}

	private Lease tryHashLease(String uploadId) {
		String token = this.leases.newToken();
		Instant now = this.clock.instant();
		if (this.records.acquireHashLease(uploadId, token, now, now.plus(this.leases.duration())) != 1) {
			return null;
		}
		return this.leases.hold(uploadId, token, this.records.hashLeaseRow(uploadId));
	}

	private boolean nextChunkStored(String uploadId, ChunkLayout layout) {
		ChunkedUpload upload = this.uploads.byId(uploadId).orElse(null);
		if (upload == null || upload.getStatus() != UploadStatus.UPLOADING
				|| upload.getOffset() == upload.getTotalLength().orElse(0L)) {
			return false;
		}
		return this.records.isStored(uploadId, layout.chunkAt(upload.getOffset()));
	}

	/**
	 * Hash stored chunks from the recorded prefix on, in order, while they are
	 * contiguous, and record each step. The caller holds the hash lease. Another batch is
	 * looked for only after a full one: a shorter batch ended at a gap or at the last
	 * stored chunk, and chunks stored since are found by {@link #advance}'s look after
	 * the lease is released.
	 * @param uploadLease the upload lease the caller also holds, or {@code null}
	 * @param renew called between buffers, to keep the caller's leases alive
	 */
	private void advanceHeld(String uploadId, ChunkLayout layout, String uploadLease, Runnable renew) {
		while (true) {
			ChunkedUpload upload = this.uploads.byId(uploadId).orElse(null);
			if (upload == null || upload.getStatus() != UploadStatus.UPLOADING) {
				return;
			}
			long offset = upload.getOffset();
			if (offset >= upload.getTotalLength().orElseThrow()) {
				return;
			}
			int next = layout.chunkAt(offset);
			List<Integer> contiguous = contiguousFrom(uploadId, next);
			if (contiguous.isEmpty()) {
				return;
			}
			long end = layout.end(contiguous.get(contiguous.size() - 1));
			byte[] state = this.pieces.hashStored(upload, offset, end, contiguous, renew);
			Instant now = this.clock.instant();
			if (!this.rows.change(uploadId,
					(current) -> current.advanceHashedPrefix(offset, end, state, uploadLease, now))
					|| contiguous.size() < PREFIX_BATCH) {
				return;
			}
		}
	}

	/** The stored chunks from {@code next} on without a gap, at most one batch. */
	private List<Integer> contiguousFrom(String uploadId, int next) {
		List<Integer> stored = this.records.storedFrom(uploadId, next, PREFIX_BATCH);
		int last = next - 1;
		for (int number : stored) {
			if (number != last + 1) {
				break;
			}
			last = number;
		}
		return stored.subList(0, last - next + 1);
	}

	private ChunkLayout layout(ChunkedUpload upload) {
		return this.records.find(upload.getId())
			.orElseThrow(() -> new UploadNotFoundException(upload.getId()))
			.layout(upload.getTotalLength().orElseThrow());
	}

	private ChunkedUpload reload(String uploadId) {
		return this.uploads.byId(uploadId).orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

	/** Why an upload no longer takes the chunk that found it so. */
	static UploadException gone(ChunkedUpload upload, Instant now) {
		return switch (upload.getStatus()) {
			case EXPIRED -> new UploadExpiredException(upload.getId());
			case UPLOADING -> upload.isExpiredAt(now) ? new UploadExpiredException(upload.getId())
					: new UploadBusyException(upload.getId());
			case COMPLETE -> new UploadAlreadyCompleteException(upload.getId());
			case ABORTED -> new UploadNotFoundException(upload.getId());
		};
	}

}
