package dev.chunkedupload.upload.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Uploads. The conditional updates of the write lease are plain JDBC, in the lease
 * package.
 */
public interface UploadRepository extends JpaRepository<ChunkedUpload, String> {

	/**
	 * Without a transaction of its own (Spring Data's is read-only, yet a commit is one
	 * more round trip on PostgreSQL): outside a transaction the select runs with the
	 * pool's auto-commit; inside one it joins it.
	 */
	@Override
	@Transactional(propagation = Propagation.SUPPORTS)
	Optional<ChunkedUpload> findById(String id);

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

}
