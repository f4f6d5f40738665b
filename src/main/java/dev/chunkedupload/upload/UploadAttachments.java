package dev.chunkedupload.upload;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.ChunkStore;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands completed uploads over to application records, as django2-resumable's model field
 * did: a form submits only an upload id, and attaching moves the file from the uploads
 * area to the record's own storage area (its {@code upload_to}), a path the application
 * chooses and the client never sees. An upload is attached at most once; after that it no
 * longer answers to its client key, so the same file can be uploaded again for another
 * record.
 */
@Service
public class UploadAttachments {

	private static final Logger logger = LoggerFactory.getLogger(UploadAttachments.class);

	private static final Pattern UPLOAD_TO = Pattern.compile(UploadProperties.PATH_PATTERN);

	private final UploadRepository uploads;

	private final ChunkStore store;

	private final UploadLease lease;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final Clock clock;

	UploadAttachments(UploadRepository uploads, ChunkStore store, UploadLease lease, JdbcTemplate jdbc,
			TransactionTemplate transaction, Clock clock) {
		this.uploads = uploads;
		this.store = store;
		this.lease = lease;
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.clock = clock;
	}

	/**
	 * An upload of the caller's, whatever its state.
	 * @param owner the calling user
	 * @param uploadId the upload
	 * @return the upload, empty if there is none or it belongs to someone else
	 */
	public Optional<Upload> findOwn(String owner, String uploadId) {
		return this.uploads.findByIdAndOwner(uploadId, owner);
	}

	/**
	 * Whether an upload belongs to a record already.
	 * @param uploadId the upload
	 * @return {@code true} if attached
	 */
	public boolean isAttached(String uploadId) {
		Integer count = this.jdbc.queryForObject("select count(*) from upload_attachment where upload_id = ?",
				Integer.class, uploadId);
		return count != null && count > 0;
	}

	/**
	 * Attach a completed upload to a record and move its file to the record's area.
	 * @param owner the calling user, who must own the upload
	 * @param uploadId the upload
	 * @param uploadTo where the record keeps its files, relative to the data directory,
	 * with the placeholders of {@link UploadProperties#completePath()} (attachment date)
	 * and {@code {upload_id}} required; chosen by the application, never by a client
	 * @param reference what the upload now belongs to, for example {@code document:42}
	 * @return the upload, its file now in the record's area
	 * @throws UploadNotFoundException if the caller has no such upload (or it was
	 * deleted)
	 * @throws UploadIncompleteException if it is not complete
	 * @throws UploadAlreadyAttachedException if another record has it
	 * @throws UploadBusyException if it is being changed by another request
	 */
	public Upload attach(String owner, String uploadId, String uploadTo, String reference) {
		if (!UPLOAD_TO.matcher(uploadTo).matches()) {
			throw new IllegalArgumentException("Unsafe storage area " + uploadTo);
		}
		requireAttachable(load(owner, uploadId));
		try (UploadLease.Held held = this.lease.acquire(uploadId)) {
			Upload upload = load(owner, uploadId);
			requireAttachable(upload);
			Instant now = this.clock.instant();
			String source = upload.getStorageKey();
			String target = UploadService.storageKey(uploadTo, now, uploadId);
			this.store.promote(source, target);
			try {
				this.transaction.executeWithoutResult((status) -> {
					this.jdbc.update(
							"insert into upload_attachment (upload_id, reference, attached_at) values (?, ?, ?)",
							uploadId, reference, now.atOffset(ZoneOffset.UTC));
					int moved = this.jdbc.update(
							"update upload set storage_key = ?, lease_owner = null, lease_until = null, version = version + 1 "
									+ "where upload_id = ? and lease_owner = ? and status = 'COMPLETE'",
							target, uploadId, held.token());
					if (moved != 1) {
						throw new UploadBusyException(uploadId);
					}
					this.jdbc.update("update parallel_upload set client_key = null where upload_id = ?", uploadId);
				});
			}
			catch (DuplicateKeyException ex) {
				moveBack(target, source);
				throw new UploadAlreadyAttachedException(uploadId);
			}
			catch (RuntimeException ex) {
				moveBack(target, source);
				throw ex;
			}
			held.releasedWithRecord();
			logger.info("Upload {} of {} attached to {} at {}", uploadId, owner, reference, target);
			return load(owner, uploadId);
		}
	}

	private void requireAttachable(Upload upload) {
		switch (upload.getStatus()) {
			case COMPLETE -> {
			}
			case UPLOADING, EXPIRED -> throw new UploadIncompleteException(upload.getOffset(),
					upload.getTotalLength().orElse(upload.getOffset()));
			case ABORTED -> throw new UploadNotFoundException(upload.getId());
		}
		if (isAttached(upload.getId())) {
			throw new UploadAlreadyAttachedException(upload.getId());
		}
	}

	private void moveBack(String target, String source) {
		try {
			this.store.promote(target, source);
		}
		catch (RuntimeException ex) {
			logger.error("Could not move {} back to {} after a failed attachment", target, source, ex);
		}
	}

	private Upload load(String owner, String uploadId) {
		return this.uploads.findByIdAndOwner(uploadId, owner).orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

}
