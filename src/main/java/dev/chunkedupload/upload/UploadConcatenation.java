package dev.chunkedupload.upload;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.ChunkStore;
import dev.chunkedupload.storage.ChunkWriter;
import dev.chunkedupload.storage.StorageException;

import org.springframework.beans.factory.annotation.Qualifier;
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
 * each part's bytes are read once and written once into the final's file while the MD5 of
 * the whole runs over them in the same pass; then the final upload completes like any
 * other (atomic move, MD5 recorded), and each part that no other waiting final upload
 * needs is deleted, so the file is stored once.
 */
@Service
public class UploadConcatenation {

	private static final Logger logger = LoggerFactory.getLogger(UploadConcatenation.class);

	private static final SecureRandom random = new SecureRandom();

	private static final int HASH_BUFFERS = 4;

	private final UploadService uploads;

	private final UploadRepository repository;

	private final UploadPartRepository parts;

	private final ChunkStore store;

	private final UploadLease lease;

	private final UploadProperties properties;

	private final Clock clock;

	private final TransactionTemplate transaction;

	private final Executor hashExecutor;

	private final UploadAttachments attachments;

	UploadConcatenation(UploadService uploads, UploadRepository repository, UploadPartRepository parts,
			ChunkStore store, UploadLease lease, UploadProperties properties, Clock clock,
			TransactionTemplate transaction, @Qualifier(UploadConfiguration.HASH_EXECUTOR) Executor hashExecutor,
			UploadAttachments attachments) {
		this.uploads = uploads;
		this.repository = repository;
		this.parts = parts;
		this.store = store;
		this.lease = lease;
		this.properties = properties;
		this.clock = clock;
		this.transaction = transaction;
		this.hashExecutor = hashExecutor;
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
	public Upload createFinal(String owner, UploadProtocol protocol, UploadDetails details, List<String> partIds) {
		if (partIds.isEmpty()) {
			throw new InvalidConcatenationException("A final upload needs at least one partial upload");
		}
		Long total = 0L;
		Instant now = this.clock.instant();
		for (String partId : partIds) {
			Upload part = this.repository.findByIdAndOwner(partId, owner)
				.orElseThrow(() -> new InvalidConcatenationException("No partial upload " + partId));
			requireUsablePart(part, now);
			total = (total != null && part.getTotalLength().isPresent()) ? total + part.getTotalLength().get() : null;
			if (total != null && total > this.properties.maxBytes().toBytes()) {
				throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
			}
		}
		String id = newId();
		Upload upload = new Upload(id, owner, protocol, SafeFileName.of(details.filename()), total,
				UploadService.storageKey(this.properties.partialPath(), now, id), now, this.properties.expiration());
		upload.describe(new UploadDetails(details.filename(), details.contentType(), details.clientMetadata(),
				ConcatRole.FINAL));
		return this.transaction.execute((status) -> {
			Upload saved = this.repository.save(upload);
			for (int i = 0; i < partIds.size(); i++) {
				this.parts.save(new UploadPart(id, i, partIds.get(i)));
			}
			return saved;
		});
	}

	/**
	 * The partial uploads of a final upload, in order.
	 * @param owner the calling user, who must own the final upload
	 * @param finalId the final upload
	 * @return its parts as they are now
	 */
	public List<Upload> partsOf(String owner, String finalId) {
		load(owner, finalId);
		List<Upload> result = new ArrayList<>();
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
	 * Assemble a final upload if all its parts are complete, else leave it as it is.
	 * Repeating it after the final upload completed answers the completed upload.
	 * @param owner the calling user, who must own the final upload
	 * @param finalId the final upload
	 * @return the final upload, complete if it could be assembled
	 * @throws UploadBusyException if the final upload or one of its parts is being
	 * written
	 * @throws InvalidConcatenationException if a part can no longer complete
	 */
	public Upload assembleIfReady(String owner, String finalId) {
		Upload upload = load(owner, finalId);
		if (upload.getConcatRole().orElse(null) != ConcatRole.FINAL) {
			throw new InvalidUploadRequestException("Upload " + finalId + " is no final upload");
		}
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return upload;
		}
		this.uploads.requireWritableNow(upload);
		Instant now = this.clock.instant();
		for (Upload part : partsOf(owner, finalId)) {
			requireUsablePart(part, now);
			if (part.getStatus() != UploadStatus.COMPLETE) {
				return upload;
			}
		}
		return assemble(owner, finalId);
	}

	private Upload assemble(String owner, String finalId) {
		List<Upload> parts;
		try (UploadLease.Held held = this.lease.acquire(finalId)) {
			Upload upload = load(owner, finalId);
			if (upload.getStatus() == UploadStatus.COMPLETE) {
				return upload;
			}
			this.uploads.requireWritableNow(upload);
			List<String> partIds = this.parts.findByFinalIdOrderByPartNumber(finalId)
				.stream()
				.map(UploadPart::getPartId)
				.toList();
			List<UploadLease.Held> partLeases = new ArrayList<>();
			try {
				for (String partId : new LinkedHashSet<>(partIds)) {
					partLeases.add(this.lease.acquire(partId));
				}
				parts = new ArrayList<>();
				long total = 0;
				for (String partId : partIds) {
					Upload part = this.repository.findByIdAndOwner(partId, owner)
						.orElseThrow(() -> new InvalidConcatenationException("No partial upload " + partId));
					if (part.getStatus() != UploadStatus.COMPLETE) {
						throw new InvalidConcatenationException("Partial upload " + partId + " is not complete");
					}
					parts.add(part);
					total += part.getOffset();
				}
				if (total > this.properties.maxBytes().toBytes()) {
					throw new UploadTooLargeException(this.properties.maxBytes().toBytes());
				}
				if (upload.getTotalLength().isPresent() && upload.getTotalLength().get() != total) {
					throw new InvalidConcatenationException("The partial uploads hold " + total + " bytes, not the "
							+ upload.getTotalLength().get() + " they were created with");
				}
				// A completion that failed after the bytes were recorded is only retried.
				if (upload.getOffset() != total || total == 0) {
					byte[] state = copy(upload, parts, held, partLeases);
					long length = total;
					Instant now = this.clock.instant();
					release(partLeases);
					this.uploads.recordUnderLease(held,
							(current) -> current.append(length, state, true, now, this.properties.expiration()));
				}
			}
			finally {
				release(partLeases);
			}
		}
		Upload completed = this.uploads.complete(owner, finalId, null);
		logger.info("Final upload {} of {} assembled from {} partial uploads", finalId, owner, parts.size());
		consumeParts(owner, parts);
		return completed;
	}

	/**
	 * Read each part once and write it once into the final upload's file, hashing in the
	 * same pass (on the hasher's thread).
	 */
	private byte[] copy(Upload upload, List<Upload> parts, UploadLease.Held held, List<UploadLease.Held> partLeases) {
		String key = upload.getStorageKey();
		try (ChunkWriter writer = this.store.openForAppend(key, 0);
				PipelinedHasher hasher = new PipelinedHasher(RunningMd5.restore(null), HASH_BUFFERS,
						(int) this.properties.bufferSize().toBytes(), this.hashExecutor)) {
			for (Upload part : parts) {
				try (InputStream in = this.store.open(part.getStorageKey()).openStream(0)) {
					long remaining = part.getOffset();
					while (remaining > 0) {
						byte[] buffer = hasher.take();
						int n = read(in, buffer, (int) Math.min(buffer.length, remaining));
						if (n == 0) {
							hasher.giveBack(buffer);
							throw new StorageException("Partial upload " + part.getId() + " has fewer bytes stored ("
									+ (part.getOffset() - remaining) + ") than recorded (" + part.getOffset() + ")");
						}
						writer.write(buffer, 0, n);
						hasher.hash(buffer, n);
						remaining -= n;
						held.renewIfDue();
						partLeases.forEach(UploadLease.Held::renewIfDue);
					}
				}
			}
			writer.sync();
			return hasher.finish().saveState();
		}
		catch (IOException ex) {
			cutBack(key);
			throw new StorageException("Cannot read a partial upload of " + upload.getId(), ex);
		}
		catch (RuntimeException ex) {
			cutBack(key);
			throw ex;
		}
	}

	/**
	 * Delete the parts no other final upload waits for: their bytes now live in the final
	 * upload. A part that an application record took over (a form attached it) is the
	 * record's and stays; so does one that cannot be deleted now, which is logged.
	 */
	private void consumeParts(String owner, List<Upload> parts) {
		Set<String> done = new LinkedHashSet<>();
		for (Upload part : parts) {
			if (!done.add(part.getId()) || !this.parts.findWaitingFinalIds(part.getId()).isEmpty()
					|| this.attachments.isAttached(part.getId())) {
				continue;
			}
			try {
				this.uploads.delete(new Caller(owner, false), part.getId());
			}
			catch (RuntimeException ex) {
				logger.warn("Could not delete partial upload {} after concatenation", part.getId(), ex);
			}
		}
	}

	private void requireUsablePart(Upload part, Instant now) {
		if (part.getConcatRole().orElse(null) != ConcatRole.PARTIAL) {
			throw new InvalidConcatenationException("Upload " + part.getId() + " is no partial upload");
		}
		if (part.getStatus() == UploadStatus.ABORTED || part.isExpiredAt(now)) {
			throw new InvalidConcatenationException("Partial upload " + part.getId() + " is gone");
		}
	}

	private Upload load(String owner, String uploadId) {
		Upload upload = this.repository.findByIdAndOwner(uploadId, owner)
			.orElseThrow(() -> new UploadNotFoundException(uploadId));
		if (upload.getStatus() == UploadStatus.ABORTED) {
			throw new UploadNotFoundException(uploadId);
		}
		return upload;
	}

	private void cutBack(String key) {
		try {
			this.store.openForAppend(key, 0).close();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not empty {}; the next assembly does it", key, ex);
		}
	}

	private static void release(List<UploadLease.Held> leases) {
		for (UploadLease.Held held : leases) {
			held.close();
		}
	}

	private static int read(InputStream in, byte[] buffer, int length) throws IOException {
		int filled = 0;
		while (filled < length) {
			int n = in.read(buffer, filled, length - filled);
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
