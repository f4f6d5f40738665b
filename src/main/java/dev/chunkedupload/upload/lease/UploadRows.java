package dev.chunkedupload.upload.lease;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Predicate;

import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadEvent;
import dev.chunkedupload.upload.model.UploadRepository;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes of upload rows that take no upload lease: a new upload's row (nobody can hold
 * the lease of a row that does not exist yet), the removal of one whose first bytes were
 * refused, and the changes that parallel chunks make at once, which the row's version
 * decides. Changes under a lease are {@link Leases}'. Like those, a change that others
 * hear of is committed with its {@link UploadEvent} published inside the transaction.
 */
@Component
public class UploadRows {

	/** How often a change of an upload row is retried when a concurrent change won. */
	private static final int CHANGE_ATTEMPTS = 20;

	private final UploadRepository repository;

	private final TransactionTemplate transaction;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	UploadRows(UploadRepository repository, TransactionTemplate transaction, ApplicationEventPublisher events,
			Clock clock) {
		this.repository = repository;
		this.transaction = transaction;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Insert a new upload's row, and publish that it was created, in one transaction (the
	 * caller's, if it has one, so its feature rows commit with it).
	 * @param fresh the new upload
	 * @return the saved upload
	 */
	public ChunkedUpload insert(ChunkedUpload fresh) {
		return this.transaction.execute((status) -> {
			ChunkedUpload saved = this.repository.saveAndFlush(fresh);
			this.events.publishEvent(UploadEvent.of(UploadEvent.Type.CREATED, saved, this.clock.instant()));
			return saved;
		});
	}

	/**
	 * Remove the row of an upload whose creation failed after it was inserted (its first
	 * bytes were refused), and publish that it is gone, in one transaction.
	 * @param upload the upload as inserted
	 */
	public void removeRefused(ChunkedUpload upload) {
		this.transaction.executeWithoutResult((status) -> {
			this.repository.findById(upload.getId()).ifPresent((current) -> {
				Instant now = this.clock.instant();
				this.repository.delete(current);
				// Told as a deletion shows it: aborted.
				current.abort(now);
				this.events.publishEvent(UploadEvent.of(UploadEvent.Type.DELETED, current, now));
			});
		});
	}

	/**
	 * Change an upload without holding its lease, for changes that many requests make at
	 * once (chunks that arrive in parallel). The row's version decides races: a change
	 * made from a copy that another commit outdated is applied again to a fresh copy.
	 * @param uploadId the upload
	 * @param change applies the change and says whether it did; when it says no, nothing
	 * is saved
	 * @return whether the change was made
	 * @throws UploadBusyException if other changes kept winning
	 */
	public boolean change(String uploadId, Predicate<ChunkedUpload> change) {
		for (int attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
			try {
				Boolean changed = this.transaction.execute((status) -> {
					ChunkedUpload current = this.repository.findById(uploadId)
						.orElseThrow(() -> new UploadNotFoundException(uploadId));
					if (!change.test(current)) {
						status.setRollbackOnly();
						return false;
					}
					return true;
				});
				return Boolean.TRUE.equals(changed);
			}
			catch (OptimisticLockingFailureException ex) {
				// Another change committed first: apply ours to what it left.
			}
		}
		throw new UploadBusyException(uploadId);
	}

}
