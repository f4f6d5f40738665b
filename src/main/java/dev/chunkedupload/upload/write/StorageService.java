package dev.chunkedupload.upload.write;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.upload.error.ChecksumMismatchException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.hash.RunningMd5;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.metrics.UploadMetrics;
import dev.chunkedupload.upload.model.ByteAllowance;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadDiscarded;
import dev.chunkedupload.upload.model.UploadEvent;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The core's one way to the bytes: appends chunks, writes numbered pieces, verifies the
 * MD5 and completes (promotes) the file, every byte through the one
 * {@link WritePipeline}. It asks the {@link UploadStore} for the capabilities it uses and
 * has a way without each: chunks that arrive out of order go into the upload in place
 * where the store can write and read an unfinished upload
 * ({@link StoreCapability#WRITE_AT}, {@link StoreCapability#READ_UNFINISHED}), else into
 * objects of their own that completion joins; objects are moved where the store can
 * rename, else copied.
 * <p>
 * The caller holds the upload's lease (or a chunk's claim) and passes it in; every change
 * of the upload row is recorded through {@link Leases}, after the bytes are durable.
 */
@Service
public class StorageService {

	private static final Logger logger = LoggerFactory.getLogger(StorageService.class);

	private final UploadStore store;

	private final WritePipeline pipeline;

	private final Leases leases;

	private final UploadProperties properties;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final StoreCopies copies;

	private final UploadMetrics metrics;

	StorageService(UploadStore store, WritePipeline pipeline, Leases leases, UploadProperties properties, Clock clock,
			ApplicationEventPublisher events, StoreCopies copies, UploadMetrics metrics) {
		this.metrics = metrics;
		this.events = events;
		this.copies = copies;
		this.store = store;
		this.pipeline = pipeline;
		this.leases = leases;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * The storage key of a new upload's bytes: the configured partial key, or the final
	 * key for a store that writes incomplete uploads where the object will be.
	 * @param created when the upload is created
	 * @param uploadId the upload
	 * @return the key
	 */
	public String newKey(Instant created, String uploadId) {
		return this.store.sessionKey(this.properties.partialKey(created, uploadId),
				this.properties.completeKey(created, uploadId));
	}

	/**
	 * Append a chunk at the upload's offset, make it durable, then record the new offset
	 * and MD5 state and release the lease. A refused chunk's bytes are cut off at once; a
	 * chunk that keeps partial bytes records those that arrived before the body broke
	 * off.
	 * @param upload the upload as it is under the lease, its offset checked; changed and
	 * returned
	 * @param chunk what the client says about the bytes
	 * @param body the bytes
	 * @param held the upload's lease
	 * @param allowance how many bytes the upload may grow by before its owner passes a
	 * quota; a chunk that would pass it is refused whole
	 * @return the upload after the chunk
	 * @throws ChunkInterruptedException if the body broke off
	 */
	public ChunkedUpload append(ChunkedUpload upload, Chunk chunk, InputStream body, Lease held,
			ByteAllowance allowance) {
		long start = upload.getOffset();
		Long total = (chunk.total() != null) ? chunk.total() : upload.getTotalLength().orElse(null);
		long kept = start;
		try (PieceWriter writer = this.store.append(upload.getStorageKey(), start)) {
			Transferred moved = this.pipeline.transfer(
					body, writer, RunningMd5.restore(upload.getHashState()), BodyLimit.forChunk(chunk, total, start,
							this.properties.maxChunkSize().toBytes(), this.properties.maxBytes().toBytes(), allowance),
					chunk.keepPartial(), held::renewIfDue);
			if (moved.broken()) {
				if (chunk.keepPartial() && moved.bytes() > 0) {
					byte[] state = moved.md5().saveState();
					this.leases.recordAppend(held, upload, storeRecords(writer), (current) -> current
						.append(moved.bytes(), state, false, this.clock.instant(), this.properties.expiration()));
					kept = start + moved.bytes();
					this.metrics.received(upload.getProtocol(), moved.bytes());
				}
				throw new ChunkInterruptedException(
						"The request body ended early after " + moved.bytes() + " bytes of this chunk",
						moved.brokenBy());
			}
			byte[] state = moved.md5().saveState();
			Instant now = this.clock.instant();
			ChunkedUpload appended = this.leases.recordAppend(held, upload, storeRecords(writer),
					(current) -> current.append(moved.bytes(), state, chunk.last(), now, this.properties.expiration()));
			this.metrics.received(upload.getProtocol(), moved.bytes());
			return appended;
		}
		catch (RuntimeException ex) {
			discardAfter(upload.getStorageKey(), kept);
			throw ex;
		}
	}

	/**
	 * Write completed uploads one after another into a new upload's bytes, from its
	 * start, hashing them. Where the store copies on its own side and the parts' sizes
	 * allow ({@link StoreCapability#SERVER_SIDE_COPY}, S3's UploadPartCopy), it copies
	 * them while this reads each part once for the MD5; otherwise each part is read once
	 * and written once, hashed in the same pass.
	 * @param upload the new upload, under the caller's lease
	 * @param parts the completed uploads, in order
	 * @param heartbeat renews the caller's leases
	 * @return the MD5 state of the whole
	 */
	public byte[] assemble(ChunkedUpload upload, List<ChunkedUpload> parts, Runnable heartbeat) {
		String key = upload.getStorageKey();
		long total = parts.stream().mapToLong(ChunkedUpload::getOffset).sum();
		List<Long> sizes = parts.stream().map(ChunkedUpload::getOffset).toList();
		if (this.store.can(StoreCapability.SERVER_SIDE_COPY) && this.store.canConcatenate(0, sizes)) {
			return this.copies.assemble(key, parts, total, heartbeat);
		}
		try (PieceWriter writer = this.store.append(key, 0);
				InputStream in = StoredStreams.sequence(parts, this::partStream)) {
			Transferred moved = this.pipeline.transfer(in, writer, RunningMd5.restore(null),
					BodyLimit.stored(key, total), false, heartbeat);
			if (moved.broken()) {
				throw StorageException.io("Cannot read a partial upload of " + upload.getId(), moved.brokenBy());
			}
			writer.record();
			return moved.md5().saveState();
		}
		catch (IOException ex) {
			discardAfter(key, 0);
			throw StorageException.io("Cannot read a partial upload of " + upload.getId(), ex);
		}
		catch (RuntimeException ex) {
			discardAfter(key, 0);
			throw ex;
		}
	}

	/**
	 * Complete an upload: finish a copy of the MD5 carried with its bytes (nothing is
	 * read back), compare it with the client's, make the bytes the final object, and
	 * record COMPLETE. The final key comes from the creation date, so a completion that
	 * died between the store and the database is simply retried.
	 * @param upload the upload as loaded under the lease
	 * @param held the upload's lease
	 * @param expectedMd5 the hex MD5 the client computed, or {@code null} to skip the
	 * check
	 * @return the completed upload
	 * @throws UploadIncompleteException if declared bytes are missing
	 * @throws ChecksumMismatchException if the MD5 differs; the upload stays open
	 */
	public ChunkedUpload complete(ChunkedUpload upload, Lease held, String expectedMd5) {
		if (upload.getTotalLength().isPresent() && upload.getOffset() < upload.getTotalLength().get()) {
			throw new UploadIncompleteException(upload.getOffset(), upload.getTotalLength().get());
		}
		String md5 = RunningMd5.hexDigest(upload.getHashState());
		requireMd5(expectedMd5, md5);
		String finalKey = this.properties.completeKey(upload.getCreatedAt(), upload.getId());
		CrashPoints.reach("complete.recorded");
		this.store.complete(upload.getStorageKey(), upload.getOffset(), finalKey);
		CrashPoints.reach("complete.moved");
		Instant now = this.clock.instant();
		ChunkedUpload completed = this.leases.record(held, UploadEvent.Type.COMPLETED,
				(current) -> current.complete(finalKey, md5, now));
		this.metrics.completed(completed.getProtocol());
		logger.info("Upload {} of {} complete: {} bytes, md5 {}", upload.getId(), upload.getOwner(),
				completed.getOffset(), md5);
		return completed;
	}

	/**
	 * Compare a client's MD5 with the one stored.
	 * @param expectedMd5 the client's hex MD5, or {@code null} to skip the check
	 * @param md5 the upload's
	 * @throws ChecksumMismatchException if they differ
	 */
	public static void requireMd5(String expectedMd5, String md5) {
		if (expectedMd5 != null && !md5.equals(expectedMd5.toLowerCase(Locale.ROOT))) {
			throw new ChecksumMismatchException(expectedMd5, md5);
		}
	}

	/**
	 * Remove an upload's bytes, complete or not. Removing them twice does nothing.
	 * @param upload the upload
	 */
	public void discard(ChunkedUpload upload) {
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			this.store.delete(upload.getStorageKey());
		}
		else {
			this.store.abort(upload.getStorageKey());
			this.events.publishEvent(new UploadDiscarded(upload.getId(), upload.getStorageKey()));
		}
	}

	/**
	 * Remove an upload's bytes and record it aborted, releasing its lease: it answers as
	 * gone from then on.
	 * @param upload the upload as loaded under the lease
	 * @param held the upload's lease
	 * @return the aborted upload
	 */
	public ChunkedUpload abort(ChunkedUpload upload, Lease held) {
		discard(upload);
		Instant now = this.clock.instant();
		return this.leases.record(held, UploadEvent.Type.DELETED, (current) -> current.abort(now));
	}

	/**
	 * Give a completed file another key: a rename where the store can, else a copy
	 * followed by deleting the original. Repeating it after it happened succeeds.
	 * @param source the file's key
	 * @param target its new key
	 */
	public void relocate(String source, String target) {
		if (this.store.can(StoreCapability.MOVE)) {
			this.store.move(source, target);
			return;
		}
		if (!this.store.exists(source) && this.store.exists(target)) {
			return;
		}
		StoredObject object = this.store.open(source);
		try (InputStream in = object.openStream(0); PieceWriter writer = this.store.append(target, 0)) {
			this.pipeline.transfer(in, writer, null, BodyLimit.stored(source, object.size()), false, () -> {
			});
			writer.record();
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot copy " + source + " to " + target, ex);
		}
		this.store.complete(target, object.size(), target);
		this.store.delete(source);
	}

	/**
	 * Remove what dead writers left in the store that no record knows, older than the
	 * longest an upload may stay idle.
	 * @return how many things were removed
	 */
	public int sweepOrphans() {
		return this.store.sweepOrphans(this.clock.instant().minus(this.properties.expiration()));
	}

	/**
	 * A short-lived URL where the client downloads a completed upload straight from the
	 * store, if the store gives one.
	 * @param upload the completed upload
	 * @return the URL, or empty to stream the bytes through the server
	 */
	public Optional<URI> downloadUrl(ChunkedUpload upload) {
		return this.store.downloadUrl(upload.getStorageKey(), upload.getFilename(),
				upload.getContentType().orElse(null));
	}

	/**
	 * The bytes of a completed upload.
	 * @param upload the upload
	 * @return its stored object
	 * @throws StoredObjectNotFoundException if the bytes are gone
	 */
	public StoredObject open(ChunkedUpload upload) {
		return this.store.open(upload.getStorageKey());
	}

	/**
	 * The store's own records of a synced piece, which go into the transaction of the
	 * offset; {@code null} for a store that keeps none.
	 */
	private static Runnable storeRecords(PieceWriter writer) {
		return writer.keepsRecords() ? writer::record : null;
	}

	/** A completed part's recorded bytes, no more. */
	private InputStream partStream(ChunkedUpload part) {
		return new BoundedInputStream(this.store.open(part.getStorageKey()).openStream(0), part.getOffset(),
				part.getId());
	}

	private void discardAfter(String key, long offset) {
		try {
			this.store.discardAfter(key, offset);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not cut {} back to {}; the next write does it", key, offset, ex);
		}
	}

}
