package dev.chunkedupload.upload.lease;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Upload leases kept in memory, for a database that only this JVM can open (embedded H2):
 * every writer of such a database runs here, so a lock here excludes them all. A chunk
 * then takes its lease without a statement, and only its record commits. With H2 writing
 * every commit to its file before it returns, the lease's own commit was about half of
 * the database's CPU per chunk (a separate measurement of the two statements: 640 µs with
 * the lease statement, 250 µs without).
 * <p>
 * Leases other than a chunk's (completion, declaring a length, deletion, the sweeps) take
 * the lease here and in the row, so that a chunk on a local lease and a holder of the
 * row's lease exclude each other either way, and the row still shows those holders.
 * <p>
 * One registry per database, shared by every application context in the JVM that opens it
 * (tests run two instances on one in-memory database). A lease lapses as the row's does:
 * its holder renews it while bytes flow, and a holder that stopped renewing for the
 * lease's duration loses it to the next taker, whose record then wins.
 */
public final class LocalLeases {

	private static final Map<String, LocalLeases> BY_DATABASE = new ConcurrentHashMap<>();

	private final Map<String, Slot> slots = new ConcurrentHashMap<>();

	private LocalLeases() {
	}

	/**
	 * The registry of the database behind a pool, if only this JVM can open it.
	 * @param dataSource the application's pool
	 * @return the registry, or {@code null} when the database may be shared or the pool
	 * does not say its JDBC URL
	 */
	static LocalLeases forDataSource(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(HikariDataSource.class)
					? forDatabase(dataSource.unwrap(HikariDataSource.class).getJdbcUrl()) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	/**
	 * The registry of a database, if only this JVM can open it.
	 * @param jdbcUrl the database's JDBC URL, or {@code null} if unknown
	 * @return the registry, or {@code null} when other processes may share the database
	 * (a server, or anything unknown), whose leases must stay in its rows
	 */
	static LocalLeases forDatabase(String jdbcUrl) {
		if (jdbcUrl == null || !isProcessLocal(jdbcUrl)) {
			return null;
		}
		return BY_DATABASE.computeIfAbsent(jdbcUrl, (url) -> new LocalLeases());
	}

	/**
	 * Whether a JDBC URL names a database that no other process can open while this one
	 * has it: H2 in memory or in a file (H2 locks the file), not through H2's TCP server
	 * and not with {@code AUTO_SERVER}, which lets a second process in.
	 */
	static boolean isProcessLocal(String jdbcUrl) {
		String url = jdbcUrl.toLowerCase(Locale.ROOT);
		if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:")) {
			return false;
		}
		return !url.replace(" ", "").contains(";auto_server=true");
	}

	/**
	 * Whether anyone in this JVM has taken an upload's lease here and not released it, in
	 * any database's registry: for tests that wait until a chunk is under way.
	 * @param uploadId the upload
	 * @return whether a holder has it (lapsed or not)
	 */
	public static boolean takenInThisJvm(String uploadId) {
		for (LocalLeases leases : BY_DATABASE.values()) {
			Slot slot = leases.slots.get(uploadId);
			if (slot != null) {
				synchronized (slot) {
					if (slot.token != null) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Take an upload's lease if nobody holds it or its holder let it lapse.
	 * @return whether the lease is now the caller's
	 */
	boolean take(String uploadId, String token, Instant now, Instant until) {
		while (true) {
			Slot slot = this.slots.computeIfAbsent(uploadId, (id) -> new Slot());
			synchronized (slot) {
				if (slot.removed) {
					// Released and dropped from the map after we found it: look again.
					continue;
				}
				if (slot.heldAt(now)) {
					return false;
				}
				slot.token = token;
				slot.until = until;
				return true;
			}
		}
	}

	/**
	 * Extend a lease the caller still holds.
	 * @return whether it was extended; false if it lapsed and was taken, or was released
	 */
	boolean renew(String uploadId, String token, Instant now, Instant until) {
		Slot slot = this.slots.get(uploadId);
		if (slot == null) {
			return false;
		}
		synchronized (slot) {
			if (!slot.heldBy(token, now)) {
				return false;
			}
			slot.until = until;
			return true;
		}
	}

	/** Give up a lease the caller holds; does nothing if another holder took it. */
	void release(String uploadId, String token) {
		Slot slot = this.slots.get(uploadId);
		if (slot == null) {
			return;
		}
		synchronized (slot) {
			if (token.equals(slot.token)) {
				slot.token = null;
				slot.until = null;
				slot.removed = true;
				this.slots.remove(uploadId, slot);
			}
		}
	}

	/**
	 * Run a write only while the caller holds the lease, so that a holder whose lease
	 * lapsed and was taken cannot write after the new holder started (what the row's
	 * conditional update guarantees for leases kept there).
	 * @return what the write returned, or false if the lease was not held
	 */
	boolean whileHeld(String uploadId, String token, Instant now, BooleanSupplier write) {
		Slot slot = this.slots.get(uploadId);
		if (slot == null) {
			return false;
		}
		synchronized (slot) {
			return slot.heldBy(token, now) && write.getAsBoolean();
		}
	}

	/** Where a lease on an upload is kept when it is kept only here. */
	LeaseRow row(String uploadId) {
		return new Row(this, uploadId);
	}

	/**
	 * Where a lease is kept when it is kept here and in the upload's row: renewed in
	 * both, and releasing gives up the row's; the one here goes with
	 * {@link #releasedLast}.
	 */
	LeaseRow alongside(String uploadId, LeaseRow row) {
		LeaseRow here = row(uploadId);
		return new LeaseRow() {

			@Override
			public boolean renew(String token, Instant now, Instant until) {
				return here.renew(token, now, until) && row.renew(token, now, until);
			}

			@Override
			public void release(String token) {
				row.release(token);
			}

		};
	}

	/**
	 * Release a lease here when it closes, last, however it is released elsewhere: also
	 * when a record released the row's lease, or the chunk's record ended it.
	 * @param lease a lease taken here
	 * @return the lease
	 */
	Lease releasedLast(Lease lease) {
		lease.afterClose(() -> release(lease.subject(), lease.token()));
		return lease;
	}

	/** Whether a lease is kept only here. */
	boolean keeps(Lease lease) {
		return lease.row() instanceof Row row && row.leases() == this;
	}

	/** An upload's lease kept here. */
	private record Row(LocalLeases leases, String uploadId) implements LeaseRow {

		@Override
		public boolean renew(String token, Instant now, Instant until) {
			return this.leases.renew(this.uploadId, token, now, until);
		}

		@Override
		public void release(String token) {
			this.leases.release(this.uploadId, token);
		}

	}

	/** One upload's lease; guarded by its own monitor. */
	private static final class Slot {

		private String token;

		private Instant until;

		/** Dropped from the map: a taker that still found it must look again. */
		private boolean removed;

		boolean heldAt(Instant now) {
			// The same boundary as the row's: a lease ending exactly now is still held.
			return this.token != null && !now.isAfter(this.until);
		}

		boolean heldBy(String token, Instant now) {
			return token.equals(this.token) && heldAt(now);
		}

	}

}
