package dev.chunkedupload.upload.concat;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/**
 * The part lists of final uploads.
 */
public interface UploadPartRepository extends JpaRepository<UploadPart, UploadPart.Key> {

	List<UploadPart> findByFinalIdOrderByPartNumber(String finalId);

	/**
	 * Final uploads still being built that need a given partial upload.
	 */
	@Query("""
			select distinct p.finalId from UploadPart p, ChunkedUpload u
			where p.partId = :partId and u.id = p.finalId
			and u.status = dev.chunkedupload.upload.model.UploadStatus.UPLOADING""")
	List<String> findWaitingFinalIds(@Param("partId") String partId);

}
