package dev.chunkedupload.upload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one-writer-per-upload lock: a lease stored in the upload's row and taken with a
 * conditional UPDATE, so it holds across every instance that shares the database and no
 * transaction stays open while bytes flow. A holder renews it while it streams; a lease
 * left by a dead instance lapses after {@link UploadProperties#leaseDuration()}.
 */
@Component
class UploadLease {

	private static final Logger logger = LoggerFactory.getLogger(UploadLease.class);

	private final UploadRepository repository;

	private final Clock clock;

	private final Duration duration;

	private final TransactionTemplate transaction;

	UploadLease(UploadRepository repository, Clock clock, UploadProperties properties,
			TransactionTemplate transaction) {
		this.repository = repository;
		this.clock = clock;
		this.duration = properties.leaseDuration();
		this.transaction = transaction;
	}

	/**
	 * Change an upload in one short transaction, valid only while the lease is still
	 * ours, and release the lease with the same commit.
	 * @param held the lease
	 * @param change the state change
	 * @return the saved upload
	 * @throws UploadBusyException if the lease lapsed and another writer took it
	 */
	Upload record(Held held, Consumer<Upload> change) {
		Upload saved;
		try {
			saved = this.transaction.execute((status) -> {
				Upload current = this.repository.findById(held.uploadId())
					.orElseThrow(() -> new UploadNotFoundException(held.uploadId()));
				if (!current.isLeasedBy(held.token(), this.clock.instant())) {
					throw new UploadBusyException(held.uploadId());
				}
				change.accept(current);
				current.releaseLease();
				return current;
			});
		}
		catch (OptimisticLockingFailureException ex) {
			// The lease lapsed and was taken over between our check and the commit.
			throw new UploadBusyException(held.uploadId());
		}
		held.releasedWithRecord();
		return saved;
	}

	/**
	 * Take the lease of an upload.
	 * @param uploadId the upload
	 * @return the held lease; close it to release
	 * @throws UploadBusyException if another writer holds it
	 */
	Held acquire(String uploadId) {
		String token = newToken();
		Instant now = this.clock.instant();
		if (this.repository.acquireLease(uploadId, token, now, now.plus(this.duration)) != 1) {
			throw new UploadBusyException(uploadId);
		}
		return new Held(uploadId, token, now);
	}

	/**
	 * Adopt the lease that a freshly created row was inserted with.
	 * @param uploadId the upload
	 * @param token the token the row carries
	 * @return the held lease
	 */
	Held adopt(String uploadId, String token) {
		return new Held(uploadId, token, this.clock.instant());
	}

	String newToken() {
		return UUID.randomUUID().toString();
	}

	Duration duration() {
		return this.duration;
	}

	/** A lease this thread holds. Not thread-safe: one writer uses it. */
	final class Held implements AutoCloseable {

		private final String uploadId;

		private final String token;

		private Instant renewedAt;

		private boolean released;

		private Held(String uploadId, String token, Instant renewedAt) {
			this.uploadId = uploadId;
			this.token = token;
			this.renewedAt = renewedAt;
		}

		String token() {
			return this.token;
		}

		String uploadId() {
			return this.uploadId;
		}

		/**
		 * Extend the lease when a third of it has passed; cheap to call for every buffer.
		 * @throws UploadBusyException if the lease lapsed and another writer took it
		 */
		void renewIfDue() {
			Instant now = UploadLease.this.clock.instant();
			if (Duration.between(this.renewedAt, now).compareTo(UploadLease.this.duration.dividedBy(3)) < 0) {
				return;
			}
			if (UploadLease.this.repository.renewLease(this.uploadId, this.token, now,
					now.plus(UploadLease.this.duration)) != 1) {
				throw new UploadBusyException(this.uploadId);
			}
			this.renewedAt = now;
		}

		/**
		 * Mark the lease as released by a transaction that cleared it together with other
		 * changes.
		 */
		void releasedWithRecord() {
			this.released = true;
		}

		@Override
		public void close() {
			if (this.released) {
				return;
			}
			this.released = true;
			try {
				UploadLease.this.repository.releaseLease(this.uploadId, this.token);
			}
			catch (RuntimeException ex) {
				// The lease lapses on its own; failing the request for this would hide
				// its
				// real outcome.
				logger.warn("Could not release the lease of upload {}", this.uploadId, ex);
			}
		}

	}

}
