package dev.chunkedupload.upload;

import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.UploadExpiredException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadTooLargeException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.lease.UploadRows;
import dev.chunkedupload.upload.lease.UploadReads;
import dev.chunkedupload.upload.metrics.UploadMetrics;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.NewUpload;
import dev.chunkedupload.upload.model.SafeFileName;
import dev.chunkedupload.upload.model.UploadAdmissions;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadIds;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;
import dev.chunkedupload.upload.write.StorageService;

import org.springframework.stereotype.Service;

/**
 * Every protocol's way into the core for uploads whose bytes arrive in order, and the
 * protocol-neutral operations on any upload (status, listing, content, deletion). The
 * order of a chunk (load, lease, check, then {@link StorageService}; no transaction open
 * while bytes flow) is told in docs/design.md, "The write path of one chunk".
 */
@Service
public class UploadService {

	private static final Logger logger = LoggerFactory.getLogger(UploadService.class);

	/** How long a cancellation waits for a writer on another instance to let go. */
	static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

	private final UploadRepository repository;

	private final StorageService storage;

	private final Leases leases;

	private final UploadRows rows;

	private final UploadProperties properties;

	private final Clock clock;

	private final UploadAdmissions admissions;

	private final UploadMetrics metrics;

	private final UploadReads reads;

	UploadService(UploadRepository repository, UploadReads reads, StorageService storage, Leases leases,
			UploadRows rows, UploadAdmissions admissions, UploadMetrics metrics, UploadProperties properties,
			Clock clock) {
		this.repository = repository;
		this.reads = reads;
		this.metrics = metrics;
		this.admissions = admissions;
		this.storage = storage;
		this.leases = leases;
		this.rows = rows;
		this.properties = properties;
		this.clock = clock;
	}

	/** {@link #create} with a file name only (the chunked protocol). */
	public ChunkedUpload start(String owner, UploadProtocol protocol, String filename, Chunk chunk, InputStream body) {
		return create(owner, protocol, new UploadDetails(filename, null, null, null), chunk, body);
	}

	/**
	 * Create an upload that the client describes (media type, metadata, concatenation
	 * role), with its first bytes, which may be none. A refused first chunk leaves
	 * neither a row nor a file behind.
	 * @param owner the creating user
	 * @param protocol the protocol that creates it
	 * @param details what the client says about the upload (the file name is sanitised
	 * here)
	 * @param chunk what the client says about the first bytes
	 * @param body the first bytes
	 * @return the upload after them
	 */
	public ChunkedUpload create(String owner, UploadProtocol protocol, UploadDetails details, Chunk chunk,
			InputStream body) {
		if (chunk.offset() != 0) {
			throw new OffsetMismatchException(0, chunk.offset());
		}
		checkLimits(chunk);
		this.admissions.admit(new NewUpload(owner, protocol, details, chunk.total()));
		Instant now = this.clock.instant();
		String id = UploadIds.next();
		String token = this.leases.newToken();
		ChunkedUpload leased = ChunkedUpload.leased(id, owner, protocol, SafeFileName.of(details.filename()),
				chunk.total(), this.storage.newKey(now, id), now, this.properties.expiration(), token,
				this.leases.duration());
		if (details.contentType() != null || details.clientMetadata() != null || details.concatRole() != null) {
			leased.describe(details);
		}
		ChunkedUpload upload = this.rows.insert(leased);
		try (Lease held = this.leases.adopt(id, token)) {
			return this.metrics.sequential(protocol, 0,
					() -> this.storage.append(upload, chunk, body, held, this.admissions.allowance(upload, chunk)));
		}
		catch (RuntimeException ex) {
			discardRefused(upload);
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
	public ChunkedUpload append(String owner, String uploadId, Chunk chunk, InputStream body) {
		return append(load(owner, uploadId), chunk, body);
	}

	/**
	 * {@link #append(String, String, Chunk, InputStream)} to an upload the caller has
	 * just loaded with {@link #getOwn}, without loading it again (a copy that changed
	 * since costs a second load, nothing else).
	 * @param current the upload as the caller loaded it
	 * @param chunk what the client says about the bytes
	 * @param body the bytes
	 * @return the upload after the chunk
	 */
	public ChunkedUpload append(ChunkedUpload current, Chunk chunk, InputStream body) {
		// A first look without the lease: a chunk that cannot fit is refused without
		// taking the lease away from a writer that may be about to send the right one.
		return this.metrics.sequential(current.getProtocol(), current.getOffset(), () -> {
			checkLimits(chunk);
			checkAppendable(current, chunk);
			Optional<Lease> unchanged = this.leases.acquireUnchanged(current);
			try (Lease held = unchanged.orElseGet(() -> this.leases.acquire(current.getId()))) {
				ChunkedUpload upload = unchanged.isPresent() ? current : load(current.getOwner(), current.getId());
				checkAppendable(upload, chunk);
				return this.storage.append(upload, chunk, body, held, this.admissions.allowance(upload, chunk));
			}
		});
	}

	/**
	 * Fix the total length of an upload created without one (tus's deferred length) at
	 * {@code offset} (where the client believes it stands; it must), before the bytes
	 * that come with the declaration. Declaring the length it already has does nothing.
	 */
	public ChunkedUpload declareLength(String owner, String uploadId, long offset, long total) {
		checkDeclarable(load(owner, uploadId), offset, total);
		try (Lease held = this.leases.acquire(uploadId)) {
			ChunkedUpload upload = load(owner, uploadId);
			checkDeclarable(upload, offset, total);
			this.admissions.allowance(upload).check(total - upload.getOffset());
			return this.leases.record(held, (current) -> current.declareLength(total));
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
	public ChunkedUpload complete(String owner, String uploadId, String expectedMd5) {
		ChunkedUpload upload = load(owner, uploadId);
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return alreadyComplete(upload, expectedMd5);
		}
		try (Lease held = this.leases.acquire(uploadId)) {
			upload = load(owner, uploadId);
			if (upload.getStatus() == UploadStatus.COMPLETE) {
				return alreadyComplete(upload, expectedMd5);
			}
			requireWritable(upload);
			return this.storage.complete(upload, held, expectedMd5);
		}
	}

	/** The status now: idle past its expiry, an upload is expired before the sweep. */
	public UploadStatus statusOf(ChunkedUpload upload) {
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
	public ChunkedUpload get(Caller caller, String uploadId) {
		return this.repository.findById(uploadId)
			.filter(caller::canSee)
			.orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

	/**
	 * An upload the caller owns, to be continued: a malformed id, another user's upload
	 * and an aborted one are all simply not found.
	 */
	public ChunkedUpload getOwn(String owner, String uploadId) {
		if (!UploadIds.isWellFormed(uploadId)) {
			throw new UploadNotFoundException(uploadId.length() > 64 ? uploadId.substring(0, 64) : uploadId);
		}
		ChunkedUpload upload = load(owner, uploadId);
		if (upload.getStatus() == UploadStatus.ABORTED) {
			throw new UploadNotFoundException(uploadId);
		}
		return upload;
	}

	/**
	 * {@link #getOwn}, and an upload idle past its expiry is expired even before the
	 * sweep.
	 */
	public ChunkedUpload getOwnUnexpired(String owner, String uploadId) {
		ChunkedUpload upload = getOwn(owner, uploadId);
		if (statusOf(upload) == UploadStatus.EXPIRED) {
			throw new UploadExpiredException(uploadId);
		}
		return upload;
	}

	/**
	 * Uploads the caller may see (every user's for an administrator who asks), newest
	 * first.
	 */
	public List<ChunkedUpload> list(Caller caller, boolean everyone) {
		if (everyone && caller.admin()) {
			return this.repository.findAllByOrderByCreatedAtDesc();
		}
		return this.repository.findByOwnerOrderByCreatedAtDesc(caller.name());
	}

	/** The bytes of a completed upload the caller may see. */
	public Content content(Caller caller, String uploadId) {
		ChunkedUpload upload = get(caller, uploadId);
		if (upload.getStatus() != UploadStatus.COMPLETE) {
			throw new UploadNotFoundException(uploadId);
		}
		try {
			return new Content(upload, this.storage.open(upload), this.storage.downloadUrl(upload));
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
		try (Lease held = this.leases.acquire(uploadId)) {
			remove(caller, uploadId, held);
		}
	}

	/**
	 * {@link #delete} even while a request writes the upload: that writer stops at its
	 * next buffer (one on another instance is waited for, {@link #CANCEL_WAIT} at most)
	 * and its unacknowledged bytes are cut back.
	 * @throws UploadBusyException if a writer on another instance kept the upload
	 */
	public void cancel(Caller caller, String uploadId) {
		get(caller, uploadId);
		try (Lease held = this.leases.acquireStoppingWriter(uploadId, CANCEL_WAIT)) {
			remove(caller, uploadId, held);
		}
	}

	private void remove(Caller caller, String uploadId, Lease held) {
		ChunkedUpload upload = get(caller, uploadId);
		if (upload.getStatus() == UploadStatus.ABORTED) {
			return;
		}
		this.storage.abort(upload, held);
		logger.info("Upload {} of {} deleted by {}", uploadId, upload.getOwner(), caller.name());
	}

	private void checkAppendable(ChunkedUpload upload, Chunk chunk) {
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

	private void checkDeclarable(ChunkedUpload upload, long offset, long total) {
		requireWritable(upload);
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		if (total > this.properties.maxBytes().toBytes()) {
			throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
		}
	}

	/** Refuse what the headers already show to be too large, before a byte is read. */
	private void checkLimits(Chunk chunk) {
		chunk.checkAgainst(this.properties.maxBytes().toBytes(), this.properties.maxChunkSize().toBytes());
	}

	private ChunkedUpload alreadyComplete(ChunkedUpload upload, String expectedMd5) {
		StorageService.requireMd5(expectedMd5, upload.getMd5().orElseThrow());
		return upload;
	}

	private void requireWritable(ChunkedUpload upload) {
		upload.requireWritableAt(this.clock.instant());
	}

	private ChunkedUpload load(String owner, String uploadId) {
		// By id, the owner compared here: one index lookup, and one query for any user.
		return this.reads.byId(uploadId)
			.filter((upload) -> upload.isOwnedBy(owner))
			.orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

	private void discardRefused(ChunkedUpload upload) {
		try {
			this.storage.discard(upload);
			this.rows.removeRefused(upload);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not remove refused upload {}", upload.getId(), ex);
		}
	}

	/**
	 * A completed upload and its bytes ({@code object}), and where the client may
	 * download them straight from the store, if the store gives such a URL.
	 */
	public record Content(ChunkedUpload upload, StoredObject object, Optional<URI> directUrl) {

	}

}
