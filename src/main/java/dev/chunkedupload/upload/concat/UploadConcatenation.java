package dev.chunkedupload.upload.concat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.attach.UploadAttachments;
import dev.chunkedupload.upload.error.InvalidConcatenationException;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.error.UploadTooLargeException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.lease.UploadRows;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.ConcatRole;
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
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Final uploads built from partial ones (tus's concatenation, which tus-js-client uses to
 * upload one file over several connections at once).
 * <p>
 * Partial uploads are ordinary uploads that complete on their own (their bytes are moved
 * to the completed area and their MD5 is recorded). A final upload is created with the
 * ordered list of its partial uploads, before or after they are complete. Once all of
 * them are, it is <em>assembled</em>: under the leases of the final and of every part,
 * each part's bytes are read once and written once into the final's bytes while the MD5
 * of the whole runs over them in the same pass; then the final upload completes like any
 * other, and each part that no other waiting final upload needs is deleted, so the file
 * is stored once.
 */
@Service
public class UploadConcatenation {

	private static final Logger logger = LoggerFactory.getLogger(UploadConcatenation.class);

	/**
	 * Two parts that complete at the same moment can each find the other's lease or the
	 * final upload's still held; a few short retries make sure one of them assembles it.
	 */
	private static final int ASSEMBLY_ATTEMPTS = 10;

	private static final Duration ASSEMBLY_RETRY_DELAY = Duration.ofMillis(50);

	private final UploadRepository repository;

	private final UploadPartRepository parts;

	private final StorageService storage;

	private final Leases leases;

	private final UploadRows rows;

	private final UploadProperties properties;

	private final Clock clock;

	private final TransactionTemplate transaction;

	private final UploadAttachments attachments;

	private final UploadAdmissions admissions;

	UploadConcatenation(UploadRepository repository, UploadPartRepository parts, StorageService storage, Leases leases,
			UploadRows rows, UploadProperties properties, Clock clock, TransactionTemplate transaction,
			UploadAttachments attachments, UploadAdmissions admissions) {
		this.repository = repository;
		this.admissions = admissions;
		this.parts = parts;
		this.storage = storage;
		this.leases = leases;
		this.rows = rows;
		this.properties = properties;
		this.clock = clock;
		this.transaction = transaction;
		this.attachments = attachments;
	}

	/**
	 * Create a final upload from partial uploads of the same owner. It is not assembled
	 * here: call {@link #assembleIfReady} (the parts may still be uploading).
	 * @param owner the creating user, who must own every part
	 * @param protocol the protocol that creates it
	 * @param details what the client says about the final upload (its role is set here)
	 * @param partIds the partial uploads in order; one may appear more than once
	 * @return the new final upload
	 * @throws InvalidConcatenationException if a part does not exist, belongs to another
	 * user, is no partial upload or can no longer complete
	 * @throws UploadTooLargeException if the parts' known lengths add up to more than
	 * allowed
	 */
	public ChunkedUpload createFinal(String owner, UploadProtocol protocol, UploadDetails details,
			List<String> partIds) {
		if (partIds.isEmpty()) {
			throw new InvalidConcatenationException("A final upload needs at least one partial upload");
		}
		Long total = 0L;
		Instant now = this.clock.instant();
		for (String partId : partIds) {
			ChunkedUpload part = this.repository.findByIdAndOwner(partId, owner)
				.orElseThrow(() -> new InvalidConcatenationException("No partial upload " + partId));
			requireUsablePart(part, now);
			total = (total != null && part.getTotalLength().isPresent()) ? total + part.getTotalLength().get() : null;
			if (total != null && total > this.properties.maxBytes().toBytes()) {
				throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
			}
		}
		this.admissions.admit(new NewUpload(owner, protocol, new UploadDetails(details.filename(),
				details.contentType(), details.clientMetadata(), ConcatRole.FINAL), total));
		String id = UploadIds.next();
		ChunkedUpload upload = new ChunkedUpload(id, owner, protocol, SafeFileName.of(details.filename()), total,
				this.storage.newKey(now, id), now, this.properties.expiration());
		upload.describe(new UploadDetails(details.filename(), details.contentType(), details.clientMetadata(),
				ConcatRole.FINAL));
		return this.transaction.execute((status) -> {
			ChunkedUpload saved = this.rows.insert(upload);
			for (int i = 0; i < partIds.size(); i++) {
				this.parts.save(new UploadPart(id, i, partIds.get(i)));
			}
			return saved;
		});
	}

	/**
	 * Create a final upload and assemble it at once if its parts are complete. A final
	 * upload that cannot be assembled because a part is busy is removed again, so that it
	 * does not keep its parts from being deleted while the client retries.
	 * @param owner the creating user, who must own every part
	 * @param protocol the protocol that creates it
	 * @param details what the client says about the final upload
	 * @param partIds the partial uploads in order
	 * @return the final upload, complete if it could be assembled
	 * @throws UploadBusyException if a part stayed busy
	 */
	public ChunkedUpload createAndAssemble(String owner, UploadProtocol protocol, UploadDetails details,
			List<String> partIds) {
		ChunkedUpload created = createFinal(owner, protocol, details, partIds);
		try {
			return assembleRetryingWhileBusy(owner, created.getId());
		}
		catch (UploadBusyException ex) {
			removeQuietly(created.getId());
			throw ex;
		}
	}

	/**
	 * The partial uploads of a final upload, in order.
	 * @param owner the calling user, who must own the final upload
	 * @param finalId the final upload
	 * @return its parts as they are now
	 */
	public List<ChunkedUpload> partsOf(String owner, String finalId) {
		load(owner, finalId);
		List<ChunkedUpload> result = new ArrayList<>();
		for (UploadPart part : this.parts.findByFinalIdOrderByPartNumber(finalId)) {
			result.add(this.repository.findById(part.getPartId())
				.orElseThrow(() -> new UploadNotFoundException(part.getPartId())));
		}
		return result;
	}

	/**
	 * Final uploads still being built that include a partial upload.
	 * @param partId the partial upload
	 * @return their ids
	 */
	public List<String> finalsWaitingFor(String partId) {
		return this.parts.findWaitingFinalIds(partId);
	}

	/**
	 * Assemble the final uploads that a just completed partial upload may have made
	 * ready. One that stays busy is left for a later request (a status request assembles
	 * it); a failure is logged, since the partial upload itself is complete.
	 * @param owner the owner of the partial upload
	 * @param partId the partial upload
	 */
	public void assembleFinalsWaitingFor(String owner, String partId) {
		for (String finalId : finalsWaitingFor(partId)) {
			try {
				assembleRetryingWhileBusy(owner, finalId);
			}
			catch (UploadBusyException ex) {
				logger.info("Final upload {} busy after partial upload {} completed; a HEAD assembles it", finalId,
						partId);
			}
			catch (UploadException | StorageException ex) {
				logger.info("Final upload {} not assembled after partial upload {} completed: {}", finalId, partId,
						ex.getMessage());
			}
		}
	}

	/**
	 * Assemble a final upload if all its parts are complete, else leave it as it is.
	 * Repeating it after the final upload completed answers the completed upload.
	 * @param owner the calling user, who must own the final upload
	 * @param finalId the final upload
	 * @return the final upload, complete if it could be assembled
	 * @throws UploadBusyException if the final upload or one of its parts is being
	 * written
	 * @throws InvalidConcatenationException if a part can no longer complete
	 */
	public ChunkedUpload assembleIfReady(String owner, String finalId) {
		ChunkedUpload upload = load(owner, finalId);
		if (upload.getConcatRole().orElse(null) != ConcatRole.FINAL) {
			throw new InvalidUploadRequestException("Upload " + finalId + " is no final upload");
		}
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return upload;
		}
		Instant now = this.clock.instant();
		upload.requireWritableAt(now);
		for (ChunkedUpload part : partsOf(owner, finalId)) {
			requireUsablePart(part, now);
			if (part.getStatus() != UploadStatus.COMPLETE) {
				return upload;
			}
		}
		return assemble(owner, finalId);
	}

	private ChunkedUpload assembleRetryingWhileBusy(String owner, String finalId) {
		for (int attempt = 1;; attempt++) {
			try {
				return assembleIfReady(owner, finalId);
			}
			catch (UploadBusyException ex) {
				if (attempt == ASSEMBLY_ATTEMPTS) {
					throw ex;
				}
				try {
					Thread.sleep(ASSEMBLY_RETRY_DELAY.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private ChunkedUpload assemble(String owner, String finalId) {
		List<ChunkedUpload> assembled = new ArrayList<>();
		try (Lease held = this.leases.acquire(finalId)) {
			ChunkedUpload upload = load(owner, finalId);
			if (upload.getStatus() == UploadStatus.COMPLETE) {
				return upload;
			}
			upload.requireWritableAt(this.clock.instant());
			List<String> partIds = this.parts.findByFinalIdOrderByPartNumber(finalId)
				.stream()
				.map(UploadPart::getPartId)
				.toList();
			List<Lease> partLeases = new ArrayList<>();
			try {
				for (String partId : new LinkedHashSet<>(partIds)) {
					partLeases.add(this.leases.acquire(partId));
				}
				long total = collectParts(owner, upload, partIds, assembled);
				// A completion that failed after the bytes were recorded is only retried.
				if (upload.getOffset() != total || total == 0) {
					byte[] state = this.storage.assemble(upload, assembled, () -> {
						held.renewIfDue();
						partLeases.forEach(Lease::renewIfDue);
					});
					Instant now = this.clock.instant();
					release(partLeases);
					this.leases.record(held,
							(current) -> current.append(total, state, true, now, this.properties.expiration()));
				}
			}
			finally {
				release(partLeases);
			}
		}
		ChunkedUpload completed;
		try (Lease held = this.leases.acquire(finalId)) {
			ChunkedUpload upload = load(owner, finalId);
			if (upload.getStatus() == UploadStatus.COMPLETE) {
				return upload;
			}
			upload.requireWritableAt(this.clock.instant());
			completed = this.storage.complete(upload, held, null);
		}
		logger.info("Final upload {} of {} assembled from {} partial uploads", finalId, owner, assembled.size());
		consumeParts(assembled);
		return completed;
	}

	/** The parts in order, each complete; returns their total length. */
	private long collectParts(String owner, ChunkedUpload upload, List<String> partIds, List<ChunkedUpload> into) {
		long total = 0;
		for (String partId : partIds) {
			ChunkedUpload part = this.repository.findByIdAndOwner(partId, owner)
				.orElseThrow(() -> new InvalidConcatenationException("No partial upload " + partId));
			if (part.getStatus() != UploadStatus.COMPLETE) {
				throw new InvalidConcatenationException("Partial upload " + partId + " is not complete");
			}
			into.add(part);
			total += part.getOffset();
		}
		if (total > this.properties.maxBytes().toBytes()) {
			throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
		}
		if (upload.getTotalLength().isPresent() && upload.getTotalLength().get() != total) {
			throw new InvalidConcatenationException("The partial uploads hold " + total + " bytes, not the "
					+ upload.getTotalLength().get() + " they were created with");
		}
		return total;
	}

	/**
	 * Delete the parts no other final upload waits for: their bytes now live in the final
	 * upload. A part that an application record took over (a form attached it) is the
	 * record's and stays; so does one that cannot be deleted now, which is logged.
	 */
	private void consumeParts(List<ChunkedUpload> parts) {
		Set<String> done = new LinkedHashSet<>();
		for (ChunkedUpload part : parts) {
			if (!done.add(part.getId()) || !this.parts.findWaitingFinalIds(part.getId()).isEmpty()
					|| this.attachments.isAttached(part.getId())) {
				continue;
			}
			removeQuietly(part.getId());
		}
	}

	private void removeQuietly(String uploadId) {
		try (Lease held = this.leases.acquire(uploadId)) {
			ChunkedUpload upload = this.repository.findById(uploadId)
				.orElseThrow(() -> new UploadNotFoundException(uploadId));
			if (upload.getStatus() != UploadStatus.ABORTED) {
				this.storage.abort(upload, held);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete upload {} after concatenation", uploadId, ex);
		}
	}

	private void requireUsablePart(ChunkedUpload part, Instant now) {
		if (part.getConcatRole().orElse(null) != ConcatRole.PARTIAL) {
			throw new InvalidConcatenationException("Upload " + part.getId() + " is no partial upload");
		}
		if (part.getStatus() == UploadStatus.ABORTED || part.isExpiredAt(now)) {
			throw new InvalidConcatenationException("Partial upload " + part.getId() + " is gone");
		}
	}

	private ChunkedUpload load(String owner, String uploadId) {
		ChunkedUpload upload = this.repository.findByIdAndOwner(uploadId, owner)
			.orElseThrow(() -> new UploadNotFoundException(uploadId));
		if (upload.getStatus() == UploadStatus.ABORTED) {
			throw new UploadNotFoundException(uploadId);
		}
		return upload;
	}

	private static void release(List<Lease> leases) {
		for (Lease held : leases) {
			held.close();
		}
	}

}
