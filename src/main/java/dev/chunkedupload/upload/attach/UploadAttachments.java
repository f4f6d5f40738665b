package dev.chunkedupload.upload.attach;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.upload.error.UploadAlreadyAttachedException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadAttached;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.write.StorageService;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Hands completed uploads over to application records, as django2-resumable's model field
 * did: a form submits only an upload id, and attaching moves the file from the uploads
 * area to the record's own storage area (its {@code upload_to}), a path the application
 * chooses and the client never sees. An upload is attached at most once; after that it no
 * longer answers to its client key, so the same file can be uploaded again for another
 * record (an {@link UploadAttached} event tells the features that keep such keys, in the
 * attachment's transaction).
 */
@Service
public class UploadAttachments {

	private static final Logger logger = LoggerFactory.getLogger(UploadAttachments.class);

	private static final Pattern UPLOAD_TO = Pattern.compile(UploadProperties.PATH_PATTERN);

	private final UploadRepository uploads;

	private final StorageService storage;

	private final Leases leases;

	private final JdbcTemplate jdbc;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	UploadAttachments(UploadRepository uploads, StorageService storage, Leases leases, JdbcTemplate jdbc,
			ApplicationEventPublisher events, Clock clock) {
		this.uploads = uploads;
		this.storage = storage;
		this.leases = leases;
		this.jdbc = jdbc;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * An upload of the caller's, whatever its state.
	 * @param owner the calling user
	 * @param uploadId the upload
	 * @return the upload, empty if there is none or it belongs to someone else
	 */
	public Optional<ChunkedUpload> findOwn(String owner, String uploadId) {
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
	public ChunkedUpload attach(String owner, String uploadId, String uploadTo, String reference) {
		if (!UPLOAD_TO.matcher(uploadTo).matches()) {
			throw new IllegalArgumentException("Unsafe storage area " + uploadTo);
		}
		requireAttachable(load(owner, uploadId));
		try (Lease held = this.leases.acquire(uploadId)) {
			ChunkedUpload upload = load(owner, uploadId);
			requireAttachable(upload);
			Instant now = this.clock.instant();
			String source = upload.getStorageKey();
			String target = UploadProperties.storageKey(uploadTo, now, uploadId);
			this.storage.relocate(source, target);
			try {
				this.leases.record(held, (current) -> {
					this.jdbc.update(
							"insert into upload_attachment (upload_id, reference, attached_at) values (?, ?, ?)",
							uploadId, reference, now.atOffset(ZoneOffset.UTC));
					current.relocate(target);
					this.events.publishEvent(new UploadAttached(uploadId, reference));
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
			logger.info("Upload {} of {} attached to {} at {}", uploadId, owner, reference, target);
			return load(owner, uploadId);
		}
	}

	private void requireAttachable(ChunkedUpload upload) {
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
			this.storage.relocate(target, source);
		}
		catch (RuntimeException ex) {
			logger.error("Could not move {} back to {} after a failed attachment", target, source, ex);
		}
	}

	private ChunkedUpload load(String owner, String uploadId) {
		return this.uploads.findByIdAndOwner(uploadId, owner).orElseThrow(() -> new UploadNotFoundException(uploadId));
	}

}
