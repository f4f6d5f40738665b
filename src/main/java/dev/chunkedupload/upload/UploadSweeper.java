package dev.chunkedupload.upload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the expiry sweep on a schedule. Completed uploads are never touched.
 */
@Component
class UploadSweeper {

	private static final Logger logger = LoggerFactory.getLogger(UploadSweeper.class);

	static final int BATCH_SIZE = 100;

	private final UploadService uploads;

	UploadSweeper(UploadService uploads) {
		this.uploads = uploads;
	}

	@Scheduled(fixedDelayString = "${chunked-upload.sweep-interval:5m}",
			initialDelayString = "${chunked-upload.sweep-interval:5m}")
	void sweep() {
		try {
			int expired = this.uploads.expireIdleUploads(BATCH_SIZE);
			if (expired > 0) {
				logger.info("Expired {} idle uploads", expired);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Expiry sweep failed; it runs again at the next interval", ex);
		}
	}

}
