package dev.chunkedupload.storage.s3;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The records of the S3 store's unfinished uploads ({@code s3_session},
 * {@code s3_session_part}). Writes join the caller's transaction when there is one (the
 * core records an upload's offset and the store's parts in one commit), else commit on
 * their own.
 */
final class S3Sessions {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	S3Sessions(JdbcTemplate jdbc, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.transaction = transaction;
	}

	Optional<Session> find(String key) {
		return this.jdbc.query(
				"select multipart_id, part_size, parts, parts_length, tail_key, tail_length from s3_session where session_key = ?",
				(rs, row) -> new Session(key, rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getLong(4),
						rs.getString(5), rs.getLong(6)),
				key)
			.stream()
			.findFirst();
	}

	/** Begin a session unless one exists; returns the session as it is now. */
	Session begin(String key, long partSize, Instant now) {
		try {
			this.jdbc.update("insert into s3_session (session_key, part_size, created_at) values (?, ?, ?)", key,
					partSize, now.atOffset(ZoneOffset.UTC));
		}
		catch (DuplicateKeyException ex) {
			// Begun before: keep it.
		}
		return find(key).orElseThrow();
	}

	List<Part> parts(String key) {
		return this.jdbc.query(
				"select part_number, size, etag from s3_session_part where session_key = ? order by part_number",
				(rs, row) -> new Part(rs.getInt(1), rs.getLong(2), rs.getString(3)), key);
	}

	/** Record a session's new state and the parts it gained, together. */
	void save(Session session, List<Part> added) {
		this.transaction.executeWithoutResult((status) -> {
			for (Part part : added) {
				this.jdbc.update(
						"insert into s3_session_part (session_key, part_number, size, etag) values (?, ?, ?, ?)",
						session.key(), part.number(), part.size(), part.etag());
			}
			this.jdbc.update(
					"update s3_session set multipart_id = ?, parts = ?, parts_length = ?, tail_key = ?, tail_length = ? where session_key = ?",
					session.multipartId(), session.parts(), session.partsLength(), session.tailKey(),
					session.tailLength(), session.key());
		});
	}

	boolean knowsMultipart(String key, String multipartId) {
		Integer count = this.jdbc.queryForObject(
				"select count(*) from s3_session where session_key = ? and multipart_id = ?", Integer.class, key,
				multipartId);
		return count != null && count > 0;
	}

	boolean knowsTail(String tailKey) {
		Integer count = this.jdbc.queryForObject("select count(*) from s3_session where tail_key = ?", Integer.class,
				tailKey);
		return count != null && count > 0;
	}

	void delete(String key) {
		this.transaction.executeWithoutResult((status) -> {
			this.jdbc.update("delete from s3_session_part where session_key = ?", key);
			this.jdbc.update("delete from s3_session where session_key = ?", key);
		});
	}

	/**
	 * An unfinished upload as recorded.
	 *
	 * @param key its key
	 * @param multipartId the S3 multipart upload, or {@code null} before its first part
	 * @param partSize the size of every part
	 * @param parts how many parts are recorded
	 * @param partsLength the bytes in them
	 * @param tailKey the staged object with the bytes after the parts, or {@code null}
	 * @param tailLength its length
	 */
	record Session(String key, String multipartId, long partSize, int parts, long partsLength, String tailKey,
			long tailLength) {

		long length() {
			return this.partsLength + this.tailLength;
		}

		Session with(String multipartId, int parts, long partsLength, String tailKey, long tailLength) {
			return new Session(this.key, multipartId, this.partSize, parts, partsLength, tailKey, tailLength);
		}

	}

	/**
	 * A recorded part.
	 *
	 * @param number its part number, from 1
	 * @param size its bytes
	 * @param etag the ETag S3 answered
	 */
	record Part(int number, long size, String etag) {

	}

}
