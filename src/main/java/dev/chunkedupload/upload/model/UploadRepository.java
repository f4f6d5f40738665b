package dev.chunkedupload.upload.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/**
 * Uploads, and the conditional updates that implement the write lease. Each lease method
 * is one statement in its own short transaction: it either changes one row or none, which
 * is what makes the lease safe across instances on any SQL database.
 */
public interface UploadRepository extends JpaRepository<ChunkedUpload, String> {

	Optional<ChunkedUpload> findByIdAndOwner(String id, String owner);

	List<ChunkedUpload> findByOwnerOrderByCreatedAtDesc(String owner);

	List<ChunkedUpload> findAllByOrderByCreatedAtDesc();

	/**
	 * How many uploads with a status are not past a time (active uploads, for metrics).
	 */
	long countByStatusAndExpiresAtAfter(UploadStatus status, Instant now);

	/**
	 * Incomplete uploads idle past their expiry, in (expiry, id) order after a given
	 * position, so a sweep walks past the ones it has to leave alone.
	 */
	@Query("""
			select u from ChunkedUpload u
			where u.status = dev.chunkedupload.upload.model.UploadStatus.UPLOADING and u.expiresAt <= :now
			and (u.expiresAt > :afterExpires or (u.expiresAt = :afterExpires and u.id > :afterId))
			order by u.expiresAt, u.id""")
	List<ChunkedUpload> findExpired(@Param("now") Instant now, @Param("afterExpires") Instant afterExpires,
			@Param("afterId") String afterId, Limit limit);

	/**
	 * Take the lease of an upload if nobody holds it or the holder let it lapse.
	 * @return 1 if the lease is now the caller's, 0 if another writer holds it
	 */
	@Transactional
	@Modifying(clearAutomatically = true, flushAutomatically = true)
	@Query("""
			update ChunkedUpload u set u.leaseOwner = :token, u.leaseUntil = :until, u.version = u.version + 1
			where u.id = :id and (u.leaseUntil is null or u.leaseUntil < :now)""")
	int acquireLease(@Param("id") String id, @Param("token") String token, @Param("now") Instant now,
			@Param("until") Instant until);

	/**
	 * Extend a lease the caller still holds.
	 * @return 1 if extended, 0 if the lease was lost
	 */
	@Transactional
	@Modifying(clearAutomatically = true, flushAutomatically = true)
	@Query("""
			update ChunkedUpload u set u.leaseUntil = :until
			where u.id = :id and u.leaseOwner = :token and u.leaseUntil >= :now""")
	int renewLease(@Param("id") String id, @Param("token") String token, @Param("now") Instant now,
			@Param("until") Instant until);

	/**
	 * Give up a lease the caller holds; does nothing if it was already lost.
	 */
	@Transactional
	@Modifying(clearAutomatically = true, flushAutomatically = true)
	@Query("""
			update ChunkedUpload u set u.leaseOwner = null, u.leaseUntil = null, u.version = u.version + 1
			where u.id = :id and u.leaseOwner = :token""")
	int releaseLease(@Param("id") String id, @Param("token") String token);

}
