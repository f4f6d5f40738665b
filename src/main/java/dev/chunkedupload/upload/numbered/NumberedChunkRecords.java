package dev.chunkedupload.upload.numbered;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import dev.chunkedupload.upload.lease.LeaseRow;
import dev.chunkedupload.upload.model.UploadAttached;

import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The rows of uploads with numbered chunks: their layout and client key
 * ({@code parallel_upload}), the stored or claimed chunks ({@code upload_chunk}), and the
 * conditional updates that make claims, the hash lease and recording safe across
 * instances. Every method is one statement; callers that need several in one transaction
 * open it themselves.
 * <p>
 * Plain SQL rather than JPA: claims are "insert, and fail on the primary key", and every
 * other change is a conditional update whose row count is the answer.
 */
@Component
class NumberedChunkRecords {

	private final JdbcTemplate jdbc;

	NumberedChunkRecords(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Binding> findBound(String owner, String clientKey) {
		return this.jdbc
			.query("select upload_id, chunk_size, total_chunks from parallel_upload where owner = ? and client_key = ?",
					(rs, row) -> new Binding(rs.getString(1), rs.getLong(2), rs.getInt(3)), owner, clientKey)
			.stream()
			.findFirst();
	}

	Optional<Binding> find(String uploadId) {
		return this.jdbc
			.query("select upload_id, chunk_size, total_chunks from parallel_upload where upload_id = ?",
					(rs, row) -> new Binding(rs.getString(1), rs.getLong(2), rs.getInt(3)), uploadId)
			.stream()
			.findFirst();
	}

	/**
	 * @throws DuplicateKeyException if the owner already has an upload in progress under
	 * this key
	 */
	void insert(String uploadId, String owner, String clientKey, ChunkLayout layout) {
		this.jdbc.update(
				"insert into parallel_upload (upload_id, owner, client_key, chunk_size, total_chunks) values (?, ?, ?, ?, ?)",
				uploadId, owner, clientKey, layout.chunkSize(), layout.totalChunks());
	}

	/** The upload no longer answers to its client key; a new upload may take it. */
	int unbind(String uploadId) {
		return this.jdbc.update("update parallel_upload set client_key = null where upload_id = ?", uploadId);
	}

	/**
	 * Claim a chunk for writing.
	 * @return {@code true} if this call inserted the claim, {@code false} if the chunk
	 * already has a row (stored, or claimed by another writer)
	 */
	boolean insertClaim(String uploadId, int number, String token, Instant until) {
		try {
			return this.jdbc.update(
					"insert into upload_chunk (upload_id, chunk_number, stored, lease_owner, lease_until) values (?, ?, false, ?, ?)",
					uploadId, number, token, ts(until)) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	Optional<ChunkRow> findChunk(String uploadId, int number) {
		return this.jdbc
			.query("select stored, lease_until from upload_chunk where upload_id = ? and chunk_number = ?",
					(rs, row) -> new ChunkRow(rs.getBoolean(1), instant(rs.getObject(2, OffsetDateTime.class))),
					uploadId, number)
			.stream()
			.findFirst();
	}

	/** Take over the claim of a writer that let its lease lapse. */
	int takeOverClaim(String uploadId, int number, String token, Instant now, Instant until) {
		return this.jdbc.update(
				"update upload_chunk set lease_owner = ?, lease_until = ? where upload_id = ? and chunk_number = ? and stored = false and lease_until < ?",
				token, ts(until), uploadId, number, ts(now));
	}

	/**
	 * A chunk's claim as a lease row.
	 * @param uploadId the upload
	 * @param number the chunk number
	 * @return the row the claim lives in
	 */
	LeaseRow claimRow(String uploadId, int number) {
		return new LeaseRow() {

			@Override
			public boolean renew(String token, Instant now, Instant until) {
				return renewClaim(uploadId, number, token, now, until) == 1;
			}

			@Override
			public void release(String token) {
				releaseClaim(uploadId, number, token);
			}

		};
	}

	/**
	 * An upload's hash lease as a lease row.
	 * @param uploadId the upload
	 * @return the row the lease lives in
	 */
	LeaseRow hashLeaseRow(String uploadId) {
		return new LeaseRow() {

			@Override
			public boolean renew(String token, Instant now, Instant until) {
				return renewHashLease(uploadId, token, now, until) == 1;
			}

			@Override
			public void release(String token) {
				releaseHashLease(uploadId, token);
			}

		};
	}

	/**
	 * An upload that an application record took over no longer answers to its client key,
	 * so the same file can be uploaded again for another record.
	 * @param event the attachment, published inside its transaction
	 */
	@EventListener
	void attached(UploadAttached event) {
		unbind(event.uploadId());
	}

	int renewClaim(String uploadId, int number, String token, Instant now, Instant until) {
		return this.jdbc.update(
				"update upload_chunk set lease_until = ? where upload_id = ? and chunk_number = ? and stored = false and lease_owner = ? and lease_until >= ?",
				ts(until), uploadId, number, token, ts(now));
	}

	int markStored(String uploadId, int number, String token, Instant now) {
		return this.jdbc.update(
				"update upload_chunk set stored = true, stored_at = ?, lease_owner = null, lease_until = null where upload_id = ? and chunk_number = ? and stored = false and lease_owner = ?",
				ts(now), uploadId, number, token);
	}

	int releaseClaim(String uploadId, int number, String token) {
		return this.jdbc.update(
				"delete from upload_chunk where upload_id = ? and chunk_number = ? and stored = false and lease_owner = ?",
				uploadId, number, token);
	}

	boolean isStored(String uploadId, int number) {
		return this.findChunk(uploadId, number).map(ChunkRow::stored).orElse(false);
	}

	int countStored(String uploadId) {
		Integer count = this.jdbc.queryForObject(
				"select count(*) from upload_chunk where upload_id = ? and stored = true", Integer.class, uploadId);
		return (count != null) ? count : 0;
	}

	/** Stored chunk numbers from {@code from} on, in order, at most {@code limit}. */
	List<Integer> storedFrom(String uploadId, int from, int limit) {
		return this.jdbc.queryForList(
				"select chunk_number from upload_chunk where upload_id = ? and stored = true and chunk_number >= ? and chunk_number < ? order by chunk_number",
				Integer.class, uploadId, from, from + limit);
	}

	int deleteChunks(String uploadId) {
		return this.jdbc.update("delete from upload_chunk where upload_id = ?", uploadId);
	}

	/** Chunk rows and client keys of uploads that no longer take chunks. */
	int deleteFinished() {
		int keys = this.jdbc.update("update parallel_upload set client_key = null where client_key is not null "
				+ "and upload_id in (select upload_id from upload where status in ('ABORTED', 'EXPIRED'))");
		return keys + this.jdbc.update("delete from upload_chunk where upload_id in "
				+ "(select upload_id from upload where status <> 'UPLOADING')");
	}

	int acquireHashLease(String uploadId, String token, Instant now, Instant until) {
		return this.jdbc.update(
				"update parallel_upload set hash_lease_owner = ?, hash_lease_until = ? where upload_id = ? and (hash_lease_until is null or hash_lease_until < ?)",
				token, ts(until), uploadId, ts(now));
	}

	int renewHashLease(String uploadId, String token, Instant now, Instant until) {
		return this.jdbc.update(
				"update parallel_upload set hash_lease_until = ? where upload_id = ? and hash_lease_owner = ? and hash_lease_until >= ?",
				ts(until), uploadId, token, ts(now));
	}

	int releaseHashLease(String uploadId, String token) {
		return this.jdbc.update(
				"update parallel_upload set hash_lease_owner = null, hash_lease_until = null where upload_id = ? and hash_lease_owner = ?",
				uploadId, token);
	}

	private static OffsetDateTime ts(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static Instant instant(OffsetDateTime value) {
		return (value != null) ? value.toInstant() : null;
	}

	/**
	 * An upload with numbered chunks as recorded.
	 *
	 * @param uploadId the upload
	 * @param chunkSize the size of every chunk but the last
	 * @param totalChunks how many chunks it has
	 */
	record Binding(String uploadId, long chunkSize, int totalChunks) {

		boolean matches(ChunkLayout layout) {
			return this.chunkSize == layout.chunkSize() && this.totalChunks == layout.totalChunks();
		}

		ChunkLayout layout(long totalSize) {
			return new ChunkLayout(totalSize, this.chunkSize, this.totalChunks);
		}

	}

	/**
	 * A chunk's row.
	 *
	 * @param stored whether its bytes are durable and recorded
	 * @param leaseUntil until when its writer holds it, if not stored
	 */
	record ChunkRow(boolean stored, Instant leaseUntil) {

	}

}
