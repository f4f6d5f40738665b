package dev.chunkedupload.web;

import java.util.Map;

import dev.chunkedupload.upload.UploadSweeper;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the admin page does, for scripts (role ADMIN, enforced by the filter chain).
 */
@RestController
@RequestMapping("/api/admin")
class AdminApiController {

	private final UploadSweeper sweeper;

	AdminApiController(UploadSweeper sweeper) {
		this.sweeper = sweeper;
	}

	/**
	 * Run the expiry sweep now instead of waiting for {@code sweep-interval}.
	 * @return how many uploads were expired
	 */
	@PostMapping("/sweep")
	Map<String, Integer> sweep() {
		return Map.of("expired", this.sweeper.expireIdleUploads(AdminUploadsController.SWEEP_BATCH_SIZE));
	}

}
