package dev.chunkedupload.upload.write;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.hash.RunningMd5;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.metrics.UploadMetrics;
import dev.chunkedupload.upload.model.ChunkedUpload;

import org.springframework.stereotype.Component;

/**
 * Where the chunks of an upload that arrive numbered and out of order go: into the upload
 * in place where the store can write and read an unfinished upload
 * ({@link StoreCapability#WRITE_AT}, {@link StoreCapability#READ_UNFINISHED}), else into
 * objects of their own ({@code <key>.chunk-<n>}) that completion joins. Either way every
 * byte goes through the {@link WritePipeline}.
 */
@Component
public class NumberedPieces {

	private final UploadStore store;

	private final WritePipeline pipeline;

	private final UploadMetrics metrics;

	NumberedPieces(UploadStore store, WritePipeline pipeline, UploadMetrics metrics) {
		this.store = store;
		this.pipeline = pipeline;
		this.metrics = metrics;
	}

	/**
	 * Whether numbered pieces go into the upload in place, or into objects of their own.
	 * @return {@code true} if in place
	 */
	public boolean writesInPlace() {
		return this.store.can(StoreCapability.WRITE_AT) && this.store.can(StoreCapability.READ_UNFINISHED);
	}

	/**
	 * Begin an upload's bytes in the store, for uploads whose chunks arrive out of order
	 * or are assembled later.
	 * @param storageKey the upload's key
	 */
	public void begin(String storageKey) {
		this.store.begin(storageKey);
	}

	/**
	 * Write one numbered chunk durably, in place or as an object of its own. Nothing is
	 * recorded; the caller records the chunk after this returns.
	 * @param upload the upload
	 * @param number the chunk number
	 * @param position where the chunk starts in the file
	 * @param length its exact length
	 * @param body the bytes
	 * @param claim the chunk's claim, renewed while the bytes stream
	 * @throws ChunkInterruptedException if the body broke off
	 * @throws StoredObjectNotFoundException if the upload's bytes are gone (deleted or
	 * expired meanwhile)
	 */
	public void writePiece(ChunkedUpload upload, int number, long position, long length, InputStream body,
			Lease claim) {
		String key = upload.getStorageKey();
		boolean inPlace = writesInPlace();
		if (!inPlace && !this.store.exists(key)) {
			throw new StoredObjectNotFoundException(key);
		}
		String target = inPlace ? key : pieceKey(key, number);
		try (PieceWriter writer = inPlace ? this.store.writeAt(key, position) : this.store.append(target, 0)) {
			Transferred moved = this.pipeline.transfer(body, writer, null, BodyLimit.exactly(length), false,
					claim::renewIfDue);
			if (!moved.broken()) {
				writer.record();
			}
			if (moved.broken()) {
				throw new ChunkInterruptedException(
						"The request body ended early after " + moved.bytes() + " bytes of this chunk",
						moved.brokenBy());
			}
		}
		if (!inPlace) {
			this.store.complete(target, length, target);
		}
		this.metrics.received(upload.getProtocol(), length);
	}

	/**
	 * Carry an upload's MD5 over stored bytes that the upload's offset does not cover
	 * yet, for chunks that arrived out of order.
	 * @param upload the upload
	 * @param from its hashed offset, a chunk boundary
	 * @param to where the contiguous stored chunks end
	 * @param pieces the numbers of the chunks between (read when they are objects of
	 * their own)
	 * @param heartbeat renews the caller's leases
	 * @return the MD5 state after byte {@code to}
	 */
	public byte[] hashStored(ChunkedUpload upload, long from, long to, List<Integer> pieces, Runnable heartbeat) {
		String key = upload.getStorageKey();
		try (InputStream in = writesInPlace() ? this.store.readUnfinished(key, from) : pieceStream(key, pieces)) {
			Transferred hashed = this.pipeline.transfer(in, null, RunningMd5.restore(upload.getHashState()),
					BodyLimit.stored(key, to - from), false, heartbeat);
			if (hashed.broken()) {
				throw StorageException.io("Cannot read " + key, hashed.brokenBy());
			}
			return hashed.md5().saveState();
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot read " + key, ex);
		}
	}

	/**
	 * Join an upload's numbered chunks, stored as objects of their own, into its bytes,
	 * ready for {@link #complete}. Does nothing when they were written in place.
	 * @param upload the upload, under the caller's lease
	 * @param lengths the length of each chunk, in order
	 * @param heartbeat renews the caller's lease
	 */
	public void joinPieces(ChunkedUpload upload, List<Long> lengths, Runnable heartbeat) {
		if (writesInPlace()) {
			return;
		}
		String key = upload.getStorageKey();
		List<String> pieces = new ArrayList<>();
		for (int number = 1; number <= lengths.size(); number++) {
			pieces.add(pieceKey(key, number));
		}
		long total = upload.getTotalLength().orElseThrow();
		if (this.store.canConcatenate(0, lengths)) {
			this.store.concatenate(key, 0, pieces);
			return;
		}
		try (PieceWriter writer = this.store.append(key, 0);
				InputStream in = StoredStreams.sequence(pieces, this::openObject)) {
			this.pipeline.transfer(in, writer, null, BodyLimit.stored(key, total), false, heartbeat);
			writer.record();
		}
		catch (IOException ex) {
			throw StorageException.io("Cannot join the chunks of " + key, ex);
		}
	}

	/**
	 * Delete the objects of numbered chunks stored apart, once the upload no longer needs
	 * them.
	 * @param storageKey the upload's key while it was incomplete
	 * @param totalChunks how many chunks it has
	 */
	public void deletePieces(String storageKey, int totalChunks) {
		if (writesInPlace()) {
			return;
		}
		for (int number = 1; number <= totalChunks; number++) {
			this.store.delete(pieceKey(storageKey, number));
		}
	}

	private InputStream pieceStream(String key, List<Integer> pieces) {
		return StoredStreams.sequence(pieces, (number) -> openObject(pieceKey(key, number)));
	}

	/** Where a numbered chunk lives when the store cannot write in place. */
	static String pieceKey(String storageKey, int number) {
		return storageKey + ".chunk-" + number;
	}

	private InputStream openObject(String key) {
		return this.store.open(key).openStream(0);
	}

}
