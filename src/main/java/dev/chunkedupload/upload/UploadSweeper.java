package dev.chunkedupload.upload;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadEvent;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;
import dev.chunkedupload.upload.write.StorageService;

import org.springframework.data.domain.Limit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Expires incomplete uploads idle past their expiry, on a schedule (and when an
 * administrator asks). Completed uploads are never touched.
 */
@Component
public class UploadSweeper {

	private static final Logger logger = LoggerFactory.getLogger(UploadSweeper.class);

	static final int BATCH_SIZE = 100;

	private final UploadRepository repository;

	private final StorageService storage;

	private final Leases leases;

	private final Clock clock;

	UploadSweeper(UploadRepository repository, StorageService storage, Leases leases, Clock clock) {
		this.repository = repository;
		this.storage = storage;
		this.leases = leases;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "${chunked-upload.sweep-interval:5m}",
			initialDelayString = "${chunked-upload.sweep-interval:5m}")
	void sweep() {
		try {
			int expired = expireIdleUploads(BATCH_SIZE);
			if (expired > 0) {
				logger.info("Expired {} idle uploads", expired);
			}
			int orphans = this.storage.sweepOrphans();
			if (orphans > 0) {
				logger.info("Removed {} pieces of uploads that dead writers left in the store", orphans);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Expiry sweep failed; it runs again at the next interval", ex);
		}
	}

	/**
	 * Mark incomplete uploads idle past their expiry as expired and delete their bytes.
	 * Safe to run on several instances at once: each upload is handled under its lease,
	 * and one that is being written is left for the next run.
	 * @param batchSize how many uploads to look at per query
	 * @return how many uploads were expired
	 */
	public int expireIdleUploads(int batchSize) {
		Instant now = this.clock.instant();
		Instant afterExpires = Instant.EPOCH;
		String afterId = "";
		int expired = 0;
		while (true) {
			List<ChunkedUpload> batch = this.repository.findExpired(now, afterExpires, afterId, Limit.of(batchSize));
			for (ChunkedUpload candidate : batch) {
				if (expire(candidate.getId())) {
					expired++;
				}
			}
			if (batch.size() < batchSize) {
				return expired;
			}
			ChunkedUpload last = batch.get(batch.size() - 1);
			afterExpires = last.getExpiresAt().orElseThrow();
			afterId = last.getId();
		}
	}

	private boolean expire(String uploadId) {
		try (Lease held = this.leases.acquire(uploadId)) {
			ChunkedUpload upload = this.repository.findById(uploadId).orElse(null);
			Instant now = this.clock.instant();
			if (upload == null || upload.getStatus() != UploadStatus.UPLOADING || !upload.isExpiredAt(now)) {
				return false;
			}
			// Bytes first: if we die in between, the row still says UPLOADING and the
			// next sweep finishes the job; the reverse order could leave bytes nobody
			// owns.
			this.storage.discard(upload);
			this.leases.record(held, UploadEvent.Type.EXPIRED, ChunkedUpload::expire);
			logger.info("Upload {} of {} expired at {}", uploadId, upload.getOwner(),
					upload.getExpiresAt().orElse(now));
			return true;
		}
		catch (UploadBusyException ex) {
			return false;
		}
	}

}
