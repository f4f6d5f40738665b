package dev.chunkedupload.integration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/**
 * The {@code webhook_delivery} table. A delivery is claimed by one instance at a time
 * with a conditional UPDATE of its lease columns (one row updated: ours), as upload
 * leases are, so this works alike on H2 and PostgreSQL; every outcome is recorded only
 * while the claim is still ours.
 */
@Component
public class WebhookOutbox {

	static final String PENDING = "PENDING";

	static final String DELIVERED = "DELIVERED";

	static final String FAILED = "FAILED";

	private static final String COLUMNS = "delivery_id, event_id, event_type, upload_id, endpoint_url, payload, status, "
			+ "attempts, created_at, next_attempt_at, retry_until, last_attempt_at, last_status, last_error, delivered_at";

	private final JdbcTemplate jdbc;

	WebhookOutbox(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Write a delivery, in the caller's transaction. */
	void insert(String eventId, String eventType, String uploadId, String url, String payload, Instant now,
			Instant retryUntil) {
		this.jdbc
			.update("insert into webhook_delivery (event_id, event_type, upload_id, endpoint_url, payload, status, "
					+ "attempts, created_at, next_attempt_at, retry_until) values (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)",
					eventId, eventType, uploadId, url, payload, ts(now), ts(now), ts(retryUntil));
	}

	/**
	 * Claim deliveries that are due and that no live claim holds.
	 * @param owner this claim's token
	 * @param now the time
	 * @param until when the claim lapses
	 * @param limit how many at most
	 * @return the deliveries now ours
	 */
	List<WebhookDelivery> claimDue(String owner, Instant now, Instant until, int limit) {
		List<Long> candidates = this.jdbc.queryForList(
				"select delivery_id from webhook_delivery where status = 'PENDING' and next_attempt_at <= ? "
						+ "and (lease_until is null or lease_until < ?) order by next_attempt_at, delivery_id limit ?",
				Long.class, ts(now), ts(now), limit);
		List<WebhookDelivery> claimed = new ArrayList<>();
		for (Long id : candidates) {
			int taken = this.jdbc.update(
					"update webhook_delivery set lease_owner = ?, lease_until = ? where delivery_id = ? "
							+ "and status = 'PENDING' and (lease_until is null or lease_until < ?)",
					owner, ts(until), id, ts(now));
			if (taken == 1) {
				claimed.addAll(this.jdbc.query("select " + COLUMNS + " from webhook_delivery where delivery_id = ?",
						WebhookOutbox::row, id));
			}
		}
		return claimed;
	}

	/**
	 * Record an attempt and release the claim.
	 * @param id the delivery
	 * @param owner the claim's token
	 * @param status the new status
	 * @param now when the attempt ended
	 * @param next when to try again (for a pending delivery)
	 * @param httpStatus the receiver's status, if it answered
	 * @param error what went wrong, or {@code null}
	 * @return whether the claim was still ours
	 */
	boolean recordAttempt(long id, String owner, String status, Instant now, Instant next, Integer httpStatus,
			String error) {
		return this.jdbc.update(
				"update webhook_delivery set status = ?, attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?, "
						+ "last_status = ?, last_error = ?, delivered_at = ?, lease_owner = null, lease_until = null "
						+ "where delivery_id = ? and lease_owner = ?",
				status, ts(now), ts(next), httpStatus, error, DELIVERED.equals(status) ? ts(now) : null, id,
				owner) == 1;
	}

	/**
	 * Send a failed delivery again, with a fresh retry window.
	 * @return whether there was such a failed delivery
	 */
	boolean retry(long id, Instant now, Instant retryUntil) {
		return this.jdbc.update("update webhook_delivery set status = 'PENDING', next_attempt_at = ?, retry_until = ? "
				+ "where delivery_id = ? and status = 'FAILED'", ts(now), ts(retryUntil), id) == 1;
	}

	/**
	 * Deliveries, newest first.
	 * @param status only those in this status, or {@code null} for all
	 * @param limit how many at most
	 * @return the deliveries
	 */
	List<WebhookDelivery> list(String status, int limit) {
		if (status == null) {
			return this.jdbc.query("select " + COLUMNS + " from webhook_delivery order by delivery_id desc limit ?",
					WebhookOutbox::row, limit);
		}
		return this.jdbc.query(
				"select " + COLUMNS + " from webhook_delivery where status = ? order by delivery_id desc limit ?",
				WebhookOutbox::row, status, limit);
	}

	/**
	 * How many deliveries are in each status.
	 * @return lower-case status to count, every status present
	 */
	Map<String, Long> counts() {
		Map<String, Long> counts = new TreeMap<>();
		for (String status : List.of(PENDING, DELIVERED, FAILED)) {
			counts.put(status.toLowerCase(Locale.ROOT), 0L);
		}
		this.jdbc.query("select status, count(*) from webhook_delivery group by status",
				(RowCallbackHandler) (rs) -> counts.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getLong(2)));
		return counts;
	}

	/** Forget deliveries that were delivered before a time. */
	int deleteDeliveredBefore(Instant before) {
		return this.jdbc.update("delete from webhook_delivery where status = 'DELIVERED' and delivered_at < ?",
				ts(before));
	}

	private static WebhookDelivery row(ResultSet rs, int row) throws SQLException {
		return new WebhookDelivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), rs.getString(7).toLowerCase(Locale.ROOT), rs.getInt(8), instant(rs, 9),
				instant(rs, 10), instant(rs, 11), instant(rs, 12), (Integer) rs.getObject(13, Integer.class),
				rs.getString(14), instant(rs, 15));
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static OffsetDateTime ts(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

}
