package dev.chunkedupload.upload.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadNotFoundException;

/**
 * A lease this thread holds, of whatever kind: an upload's write lease, its hash lease or
 * a chunk's claim. The holder renews it while it works ({@link #renewIfDue()} is cheap
 * enough to call for every buffer) and closes it when done; a lease whose holder died
 * lapses after its duration. Not thread-safe: one writer uses it.
 */
public final class Lease implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Lease.class);

	private final String subject;

	private final String token;

	private final LeaseRow row;

	private final Clock clock;

	private final Duration duration;

	private Instant renewedAt;

	private boolean released;

	/** Set by another thread that wants the holder to stop (a cancellation). */
	private volatile boolean stopRequested;

	private Runnable onClose = () -> {
	};

	private Runnable onReleaseFailure = () -> {
	};

	private Runnable afterClose = () -> {
	};

	Lease(String subject, String token, LeaseRow row, Clock clock, Duration duration) {
		this.subject = subject;
		this.token = token;
		this.row = row;
		this.clock = clock;
		this.duration = duration;
		this.renewedAt = clock.instant();
	}

	/**
	 * The token that identifies this holder in the lease's row.
	 * @return the token
	 */
	public String token() {
		return this.token;
	}

	/** Where the lease is kept. */
	LeaseRow row() {
		return this.row;
	}

	/**
	 * What the lease is on, for messages: the upload id.
	 * @return the upload id
	 */
	public String subject() {
		return this.subject;
	}

	/**
	 * Extend the lease when a third of it has passed.
	 * @throws UploadBusyException if the lease lapsed and another holder took it
	 * @throws UploadNotFoundException if the upload is being cancelled: the holder stops,
	 * and its lease passes to the cancellation
	 */
	public void renewIfDue() {
		if (this.stopRequested) {
			throw new UploadNotFoundException(this.subject);
		}
		Instant now = this.clock.instant();
		if (Duration.between(this.renewedAt, now).compareTo(this.duration.dividedBy(3)) < 0) {
			return;
		}
		if (!this.row.renew(this.token, now, now.plus(this.duration))) {
			throw new UploadBusyException(this.subject);
		}
		this.renewedAt = now;
	}

	/**
	 * Mark the lease as released by a transaction that cleared it together with other
	 * changes, so closing does not release it again.
	 */
	public void releasedWithRecord() {
		this.released = true;
	}

	/** Ask the holder to stop at its next buffer; called from another thread. */
	void requestStop() {
		this.stopRequested = true;
	}

	/** Run when the lease is given up, however that happens. */
	void onClose(Runnable action) {
		this.onClose = action;
	}

	/**
	 * Run last when the lease is given up, however that happens, even when a transaction
	 * released the row's lease with other changes.
	 */
	void afterClose(Runnable action) {
		this.afterClose = action;
	}

	/** Run when releasing failed (the database was unreachable), so it can be retried. */
	void onReleaseFailure(Runnable action) {
		this.onReleaseFailure = action;
	}

	@Override
	public void close() {
		this.onClose.run();
		try {
			release();
		}
		finally {
			this.afterClose.run();
		}
	}

	private void release() {
		if (this.released) {
			return;
		}
		this.released = true;
		try {
			this.row.release(this.token);
		}
		catch (RuntimeException ex) {
			// The lease lapses on its own; failing the request for this would hide its
			// real outcome.
			logger.warn("Could not release a lease on upload {}", this.subject, ex);
			this.onReleaseFailure.run();
		}
	}

}
