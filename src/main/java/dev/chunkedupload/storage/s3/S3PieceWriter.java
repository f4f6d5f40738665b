package dev.chunkedupload.storage.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.s3.S3Sessions.Part;
import dev.chunkedupload.storage.s3.S3Sessions.Session;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends to an S3 upload through one buffer of the part size: the staged tail (the bytes
 * after the last full part) is read back into it first, every full buffer becomes the
 * next part, and {@link #sync()} stages what is left as a new tail object. Memory per
 * writer is one part; nothing touches the instance's disk.
 * <p>
 * Nothing counts until {@link #record()}: uploaded parts and the new tail are written
 * into the store's records in the transaction that records the upload's offset. Parts
 * uploaded by a writer that never recorded are overwritten by the next writer (same part
 * numbers); its tail object is deleted on close.
 */
final class S3PieceWriter implements PieceWriter {

	/** What names a staged tail object, after the upload's key. */
	static final String TAIL_MARK = ".tail-";

	private static final Logger logger = LoggerFactory.getLogger(S3PieceWriter.class);

	private final S3Objects objects;

	private final S3Sessions sessions;

	private Session session;

	private final byte[] buffer;

	private int filled;

	private long position;

	private String multipartId;

	private final List<Part> uploaded = new ArrayList<>();

	private String stagedTail;

	private boolean synced;

	S3PieceWriter(S3Objects objects, S3Sessions sessions, Session session) {
		this.objects = objects;
		this.sessions = sessions;
		this.session = session;
		this.buffer = new byte[Math.toIntExact(session.partSize())];
		this.multipartId = session.multipartId();
		this.position = session.length();
		if (session.tailKey() != null && session.tailLength() > 0) {
			this.filled = objects.readInto(session.tailKey(), this.buffer);
			if (this.filled != session.tailLength()) {
				throw new dev.chunkedupload.storage.StorageException("Staged tail " + session.tailKey() + " has "
						+ this.filled + " bytes, not the " + session.tailLength() + " recorded");
			}
		}
	}

	@Override
	public void write(byte[] bytes, int offset, int length) {
		int from = offset;
		int left = length;
		while (left > 0) {
			int n = Math.min(left, this.buffer.length - this.filled);
			System.arraycopy(bytes, from, this.buffer, this.filled, n);
			this.filled += n;
			this.position += n;
			from += n;
			left -= n;
			this.synced = false;
			if (this.filled == this.buffer.length) {
				uploadPart();
			}
		}
	}

	@Override
	public void sync() {
		discardStagedTail();
		if (this.filled > 0) {
			this.stagedTail = this.session.key() + TAIL_MARK + UUID.randomUUID();
			this.objects.put(this.stagedTail, this.buffer, this.filled);
		}
		this.synced = true;
	}

	@Override
	public boolean keepsRecords() {
		return true;
	}

	@Override
	public void record() {
		if (!this.synced) {
			throw new IllegalStateException("Only synced bytes can be recorded");
		}
		int parts = this.session.parts() + this.uploaded.size();
		long partsLength = this.session.partsLength() + this.uploaded.stream().mapToLong(Part::size).sum();
		Session next = this.session.with(this.multipartId, parts, partsLength, this.stagedTail,
				(this.stagedTail != null) ? this.filled : 0);
		String oldTail = this.session.tailKey();
		this.sessions.save(next, this.uploaded);
		this.session = next;
		this.uploaded.clear();
		this.stagedTail = null;
		if (oldTail != null && !oldTail.equals(next.tailKey())) {
			afterCommit(() -> this.objects.delete(oldTail));
		}
	}

	@Override
	public long position() {
		return this.position;
	}

	@Override
	public void close() {
		discardStagedTail();
	}

	private void uploadPart() {
		if (this.multipartId == null) {
			this.multipartId = this.objects.createMultipart(this.session.key());
		}
		int number = this.session.parts() + this.uploaded.size() + 1;
		String etag = this.objects.uploadPart(this.session.key(), this.multipartId, number, this.buffer,
				this.buffer.length);
		this.uploaded.add(new Part(number, this.buffer.length, etag));
		this.filled = 0;
	}

	/**
	 * A tail staged by a sync that was never recorded is garbage once a new one is due.
	 */
	private void discardStagedTail() {
		if (this.stagedTail == null) {
			return;
		}
		String tail = this.stagedTail;
		this.stagedTail = null;
		try {
			this.objects.delete(tail);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete the unrecorded tail {}", tail, ex);
		}
	}

	/**
	 * Delete the old tail once the new records are committed (at once outside a
	 * transaction).
	 */
	private static void afterCommit(Runnable action) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			action.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				try {
					action.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not delete a replaced tail object", ex);
				}
			}

		});
	}

}
