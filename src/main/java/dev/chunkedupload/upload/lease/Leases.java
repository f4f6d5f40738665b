package dev.chunkedupload.upload.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadEvent;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadRepository;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands out {@link Lease}s and changes upload rows under them. The one-writer-per-upload
 * lease lives in the upload's row and is taken with a conditional UPDATE, so it holds
 * across every instance that shares the database and no transaction stays open while
 * bytes flow; features with leases of their own (chunk claims, the hash lease) store them
 * in their tables and wrap them with {@link #hold}, so every kind renews and releases the
 * same way.
 * <p>
 * On a database only this JVM can open (embedded H2), a chunk's lease is kept in memory
 * instead ({@link LocalLeases}), which saves a commit per chunk; every other upload lease
 * is then taken in memory and in the row.
 * <p>
 * The changes under a lease that others hear of (completed, deleted, expired) are
 * committed here, with their {@link UploadEvent} published inside the same transaction;
 * changes that take no lease are {@link UploadRows}'.
 */
@Component
public class Leases {

	/** How long a request waits between looks at something another request holds. */
	private static final Duration POLL = Duration.ofMillis(20);

	private final UploadRepository repository;

	private final UploadLeaseStatements statements;

	private final Clock clock;

	private final Duration duration;

	private final TransactionTemplate transaction;

	private final ApplicationEventPublisher events;

	/** The in-memory leases, or {@code null} when the database may be shared. */
	private final LocalLeases local;

	/**
	 * The upload leases this instance holds, so a cancellation can stop their writers.
	 */
	private final Map<String, Lease> held = new ConcurrentHashMap<>();

	/**
	 * Releases that failed (the database was unreachable when their requests ended), by
	 * holder token. Retried before any new lease is taken, so an upload or chunk resumes
	 * as soon as the database is back instead of after the lease duration.
	 */
	private final Map<String, Runnable> unreleased = new ConcurrentHashMap<>();

	Leases(UploadRepository repository, UploadLeaseStatements statements, Clock clock, UploadProperties properties,
			TransactionTemplate transaction, ApplicationEventPublisher events, DataSource dataSource) {
		this.repository = repository;
		this.local = LocalLeases.forDataSource(dataSource);
		this.statements = statements;
		this.events = events;
		this.clock = clock;
		this.duration = properties.leaseDuration();
		this.transaction = transaction;
	}

	/**
	 * Take the lease of an upload.
	 * @param uploadId the upload
	 * @return the held lease; close it to release
	 * @throws UploadBusyException if another writer holds it
	 */
	public Lease acquire(String uploadId) {
		String token = newToken();
		Instant now = this.clock.instant();
		Instant until = now.plus(this.duration);
		if (this.local != null && !this.local.take(uploadId, token, now, until)) {
			throw new UploadBusyException(uploadId);
		}
		boolean taken = false;
		try {
			taken = this.statements.acquire(uploadId, token, now, until);
		}
		finally {
			if (!taken && this.local != null) {
				this.local.release(uploadId, token);
			}
		}
		if (!taken) {
			throw new UploadBusyException(uploadId);
		}
		return holdInRow(uploadId, token);
	}

	/**
	 * Take the lease of an upload only if its row is still as the caller loaded it, in
	 * one statement: the caller then knows the row without loading it again under the
	 * lease (one round trip less per chunk). The copy is then brought in step with the
	 * row (lease and version), so {@link #recordAppend} can write from it.
	 * @param seen the upload as the caller loaded it
	 * @return the held lease, or empty if the row changed or another writer holds it (the
	 * caller then takes the lease with {@link #acquire} and loads the row)
	 */
	public Optional<Lease> acquireUnchanged(ChunkedUpload seen) {
		String token = newToken();
		Instant now = this.clock.instant();
		Instant until = now.plus(this.duration);
		if (seen.getVersion() == null) {
			return Optional.empty();
		}
		if (this.local != null) {
			return acquireLocally(seen, token, now, until);
		}
		if (!this.statements.acquireAtVersion(seen.getId(), seen.getVersion(), token, now, until)) {
			return Optional.empty();
		}
		seen.matchRow(token, until, seen.getVersion() + 1);
		return Optional.of(register(hold(seen.getId(), token, new UploadLeaseRow(this.statements, seen.getId()))));
	}

	/**
	 * {@link #acquireUnchanged} in memory: the lease, then a select (no commit) proves
	 * the row unchanged and not leased in it. Only then may the caller write at the
	 * offset it saw: between its first look and the lease another chunk may have been
	 * appended. The select counts the row by the columns that prove it, not the entity,
	 * which through Hibernate cost as much again as the query.
	 */
	private Optional<Lease> acquireLocally(ChunkedUpload seen, String token, Instant now, Instant until) {
		String id = seen.getId();
		if (!this.local.take(id, token, now, until)) {
			return Optional.empty();
		}
		boolean unchanged = false;
		try {
			unchanged = this.statements.isUnchangedAndFree(id, seen.getVersion(), now);
		}
		finally {
			if (!unchanged) {
				this.local.release(id, token);
			}
		}
		if (!unchanged) {
			return Optional.empty();
		}
		return Optional.of(this.local.releasedLast(register(hold(id, token, this.local.row(id)))));
	}

	/**
	 * Adopt the lease that a freshly created row was inserted with.
	 * @param uploadId the upload
	 * @param token the token the row carries
	 * @return the held lease
	 */
	public Lease adopt(String uploadId, String token) {
		Instant now = this.clock.instant();
		if (this.local != null && !this.local.take(uploadId, token, now, now.plus(this.duration))) {
			throw new UploadBusyException(uploadId);
		}
		return holdInRow(uploadId, token);
	}

	/**
	 * Hold an upload lease that the row now carries, and that the caller also took in
	 * memory when leases are kept there.
	 */
	private Lease holdInRow(String uploadId, String token) {
		LeaseRow row = new UploadLeaseRow(this.statements, uploadId);
		if (this.local == null) {
			return register(hold(uploadId, token, row));
		}
		// Released in memory after the row's release (or the record that released it): a
		// chunk that then takes the lease in memory finds the row free.
		return this.local.releasedLast(register(hold(uploadId, token, this.local.alongside(uploadId, row))));
	}

	/**
	 * Take the lease of an upload that another request may be writing, stopping that
	 * writer if it runs on this instance: it stops at its next buffer, cuts its bytes
	 * back to the last acknowledged offset and lets go. A writer on another instance is
	 * waited for, within a bound.
	 * @param uploadId the upload
	 * @param wait how long to wait for the writer to let go
	 * @return the held lease
	 * @throws UploadBusyException if the lease is still held after {@code wait}
	 */
	public Lease acquireStoppingWriter(String uploadId, Duration wait) {
		Instant deadline = this.clock.instant().plus(wait);
		while (true) {
			try {
				return acquire(uploadId);
			}
			catch (UploadBusyException ex) {
				Lease writer = this.held.get(uploadId);
				if (writer != null) {
					writer.requestStop();
				}
				if (this.clock.instant().isAfter(deadline)) {
					throw ex;
				}
				pause();
			}
		}
	}

	/**
	 * Wrap a lease that a feature took in its own row.
	 * @param subject the upload the lease is on
	 * @param token the holder's token
	 * @param row where the lease is stored
	 * @return the held lease
	 */
	public Lease hold(String subject, String token, LeaseRow row) {
		Lease lease = new Lease(subject, token, row, this.clock, this.duration);
		lease.onReleaseFailure(() -> this.unreleased.put(token, () -> row.release(token)));
		return lease;
	}

	/**
	 * Change an upload in one short transaction, valid only while the upload lease is
	 * still ours, and release the lease with the same commit. Takes a lease kept in the
	 * row; a chunk's lease kept only in memory records with {@link #recordAppend}.
	 * @param held the upload lease
	 * @param change the state change; may also write feature tables, in the same
	 * transaction
	 * @return the saved upload
	 * @throws UploadBusyException if the lease lapsed and another writer took it
	 */
	public ChunkedUpload record(Lease held, Consumer<ChunkedUpload> change) {
		ChunkedUpload saved;
		try {
			saved = this.transaction.execute((status) -> {
				ChunkedUpload current = this.repository.findById(held.subject())
					.orElseThrow(() -> new UploadNotFoundException(held.subject()));
				if (!current.isLeasedBy(held.token(), this.clock.instant())) {
					throw new UploadBusyException(held.subject());
				}
				change.accept(current);
				current.releaseLease();
				return current;
			});
		}
		catch (OptimisticLockingFailureException ex) {
			// The lease lapsed and was taken over between our check and the commit.
			throw new UploadBusyException(held.subject());
		}
		held.releasedWithRecord();
		return saved;
	}

	/**
	 * {@link #record(Lease, Consumer)} for the change every chunk makes, new bytes at the
	 * end ({@link ChunkedUpload#append}), written from the caller's copy of the row by
	 * one conditional statement: auto-committed, one round trip where loading the row in
	 * a transaction takes four (DatabaseRoundTripsIntegrationTests). A store's own
	 * records of the bytes, if it keeps any, commit in one transaction with it.
	 * @param held the upload lease
	 * @param known the upload as it is under the lease (loaded under it, proven unchanged
	 * by {@link #acquireUnchanged}, or just inserted); changed, kept in step with the row
	 * and returned (after a failure it is no longer the row: drop it)
	 * @param storeRecords writes the store's records, or {@code null} if it keeps none
	 * @param append the append
	 * @return the saved upload
	 * @throws UploadBusyException if the lease lapsed and another writer took it
	 */
	public ChunkedUpload recordAppend(Lease held, ChunkedUpload known, Runnable storeRecords,
			Consumer<ChunkedUpload> append) {
		append.accept(known);
		if (storeRecords == null) {
			writeAppend(held, known);
		}
		else {
			// The lease first: a writer that lost it writes no records, and deletes what
			// it staged for them.
			this.transaction.executeWithoutResult((status) -> {
				writeAppend(held, known);
				storeRecords.run();
			});
		}
		known.matchRow(null, null, known.getVersion() + 1);
		held.releasedWithRecord();
		return known;
	}

	private void writeAppend(Lease held, ChunkedUpload known) {
		Instant now = this.clock.instant();
		boolean written = (this.local != null && this.local.keeps(held))
				? this.local.whileHeld(held.subject(), held.token(), now,
						() -> this.statements.recordAppendUnleased(known, now))
				: this.statements.recordAppend(known, held.token(), now);
		if (!written) {
			throw new UploadBusyException(held.subject());
		}
	}

	/**
	 * {@link #record(Lease, Consumer)} for a change that others hear of: the event is
	 * published inside the transaction, after the change.
	 * @param held the upload lease
	 * @param type what the change is
	 * @param change the state change
	 * @return the saved upload
	 * @throws UploadBusyException if the lease lapsed and another writer took it
	 */
	public ChunkedUpload record(Lease held, UploadEvent.Type type, Consumer<ChunkedUpload> change) {
		return record(held, (current) -> {
			change.accept(current);
			this.events.publishEvent(UploadEvent.of(type, current, this.clock.instant()));
		});
	}

	private Lease register(Lease lease) {
		this.held.put(lease.subject(), lease);
		lease.onClose(() -> this.held.remove(lease.subject(), lease));
		return lease;
	}

	/**
	 * A fresh holder token, for a lease about to be taken. Leases whose release failed
	 * earlier are released first: the one place every new lease passes through.
	 * @return a random token
	 */
	public String newToken() {
		if (!this.unreleased.isEmpty()) {
			this.unreleased.forEach((token, release) -> {
				try {
					release.run();
					this.unreleased.remove(token);
				}
				catch (RuntimeException ex) {
					// Still unreachable: the next lease tries again, or the lease lapses.
				}
			});
		}
		return UUID.randomUUID().toString();
	}

	/**
	 * How long a lease runs without renewal.
	 * @return the lease duration
	 */
	public Duration duration() {
		return this.duration;
	}

	/**
	 * Wait a moment before looking again at something another request holds.
	 * @throws UploadBusyException if the thread is interrupted
	 */
	public void pause() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UploadBusyException("interrupted");
		}
	}

	/** The upload's own lease, in its row. */
	private record UploadLeaseRow(UploadLeaseStatements statements, String uploadId) implements LeaseRow {

		@Override
		public boolean renew(String token, Instant now, Instant until) {
			return this.statements.renew(this.uploadId, token, now, until);
		}

		@Override
		public void release(String token) {
			this.statements.release(this.uploadId, token);
		}

	}

}
