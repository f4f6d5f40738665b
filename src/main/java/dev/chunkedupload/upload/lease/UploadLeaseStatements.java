package dev.chunkedupload.upload.lease;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

import dev.chunkedupload.upload.model.ChunkedUpload;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The conditional updates that implement the upload lease, each one statement that
 * changes one row or none, which is what makes the lease safe across instances on any SQL
 * database. Plain JDBC rather than JPA queries: outside a transaction each runs with the
 * pool's auto-commit, one round trip instead of a statement and a commit, and every chunk
 * takes and renews a lease (issue 12 counts them, see
 * DatabaseRoundTripsIntegrationTests). Inside a transaction they join it, as the JPA
 * queries did.
 */
@Component
public class UploadLeaseStatements {

	/**
	 * The row holds no lease at the time bound to its parameter: none, or one that lapsed
	 * before. The one definition every statement here that takes or checks a free row
	 * uses.
	 */
	private static final String FREE_AT = "(lease_until is null or lease_until < ?)";

	private final JdbcTemplate jdbc;

	UploadLeaseStatements(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Take the lease of an upload if nobody holds it or the holder let it lapse.
	 * @return whether the lease is now the caller's
	 */
	public boolean acquire(String uploadId, String token, Instant now, Instant until) {
		return this.jdbc
			.update("update upload set lease_owner = ?, lease_until = ?, version = version + 1 where upload_id = ? and "
					+ FREE_AT, token, at(until), uploadId, at(now)) == 1;
	}

	/**
	 * {@link #acquire}, and only if the row still has the version the caller saw, so that
	 * the caller knows every other column without loading the row again.
	 * @return whether the lease is now the caller's and the row was unchanged
	 */
	public boolean acquireAtVersion(String uploadId, long version, String token, Instant now, Instant until) {
		return this.jdbc.update(
				"update upload set lease_owner = ?, lease_until = ?, version = version + 1 where upload_id = ? and version = ? and "
						+ FREE_AT,
				token, at(until), uploadId, version, at(now)) == 1;
	}

	/**
	 * Whether the row is still at a version and holds no lease now (none, or one that
	 * lapsed before {@code now}): what a lease taken in memory ({@link LocalLeases}) must
	 * find before its holder writes at the offset it saw at that version.
	 * @return whether the row exists, is at {@code version} and is not leased
	 */
	public boolean isUnchangedAndFree(String uploadId, long version, Instant now) {
		Integer rows = this.jdbc.queryForObject(
				"select count(*) from upload where upload_id = ? and version = ? and " + FREE_AT, Integer.class,
				uploadId, version, at(now));
		return rows != null && rows == 1;
	}

	/**
	 * Extend a lease the caller still holds.
	 * @return whether it was extended; false if the lease was lost
	 */
	public boolean renew(String uploadId, String token, Instant now, Instant until) {
		return this.jdbc.update(
				"update upload set lease_until = ? where upload_id = ? and lease_owner = ? and lease_until >= ?",
				at(until), uploadId, token, at(now)) == 1;
	}

	/**
	 * Give up a lease the caller holds; does nothing if it was already lost.
	 * @return whether the caller still held it
	 */
	public boolean release(String uploadId, String token) {
		return this.jdbc.update(
				"update upload set lease_owner = null, lease_until = null, version = version + 1 where upload_id = ? and lease_owner = ?",
				uploadId, token) == 1;
	}

	/**
	 * Write what {@link ChunkedUpload#append} changes (offset, MD5 state, a length fixed
	 * by the last chunk, activity and expiry) and release the lease, in one statement,
	 * only if the row is still at the copy's version and the caller's lease has not
	 * lapsed.
	 * @param appended the copy after the append, at the row's version
	 * @param token the caller's lease
	 * @param now the time of the check
	 * @return whether the row was written; false if the lease was lost or the row changed
	 */
	public boolean recordAppend(ChunkedUpload appended, String token, Instant now) {
		return writeAppended(appended, "lease_owner = ? and lease_until >= ?", token, at(now));
	}

	/**
	 * {@link #recordAppend} for a chunk whose lease is kept in memory
	 * ({@link LocalLeases}): the row must be at the copy's version and hold no lease (a
	 * holder that took the lease in the row before this process started, and has not let
	 * it lapse, still wins).
	 * @param appended the copy after the append, at the row's version
	 * @param now the time of the check
	 * @return whether the row was written
	 */
	public boolean recordAppendUnleased(ChunkedUpload appended, Instant now) {
		return writeAppended(appended, FREE_AT, at(now));
	}

	/**
	 * The one statement of both kinds of record: the columns {@code append} changes, the
	 * lease released, the version bumped, if the row is at the copy's version and
	 * {@code leaseCondition} holds.
	 */
	private boolean writeAppended(ChunkedUpload appended, String leaseCondition, Object... leaseArguments) {
		Object[] arguments = { appended.getOffset(), appended.getHashState(), appended.getTotalLength().orElse(null),
				at(appended.getLastActivityAt()), appended.getExpiresAt().map(UploadLeaseStatements::at).orElse(null),
				appended.getId(), appended.getVersion() };
		Object[] all = Arrays.copyOf(arguments, arguments.length + leaseArguments.length);
		System.arraycopy(leaseArguments, 0, all, arguments.length, leaseArguments.length);
		return this.jdbc.update(
				"update upload set upload_offset = ?, hash_state = ?, total_length = ?, last_activity_at = ?, expires_at = ?, lease_owner = null, lease_until = null, version = version + 1 where upload_id = ? and version = ? and "
						+ leaseCondition,
				all) == 1;
	}

	private static OffsetDateTime at(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
