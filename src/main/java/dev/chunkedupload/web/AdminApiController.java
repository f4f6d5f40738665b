package dev.chunkedupload.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.chunkedupload.upload.UploadSweeper;
import dev.chunkedupload.upload.quota.QuotaUsage;
import dev.chunkedupload.upload.quota.UserQuotas;

import org.springframework.web.bind.annotation.GetMapping;
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

	private final UserQuotas quotas;

	AdminApiController(UploadSweeper sweeper, UserQuotas quotas) {
		this.sweeper = sweeper;
		this.quotas = quotas;
	}

	/**
	 * What each user holds, as the quotas count it, with the user's quotas.
	 * @return the users, by name
	 */
	@GetMapping("/usage")
	List<UsageView> usage() {
		return this.quotas.usage().stream().map(UsageView::of).toList();
	}

	/**
	 * Run the expiry sweep now instead of waiting for {@code sweep-interval}.
	 * @return how many uploads were expired
	 */
	@PostMapping("/sweep")
	Map<String, Integer> sweep() {
		return Map.of("expired", this.sweeper.expireIdleUploads(AdminUploadsController.SWEEP_BATCH_SIZE));
	}

	/**
	 * One user's usage as JSON.
	 *
	 * @param user the user name
	 * @param bytesStored bytes of completed uploads
	 * @param bytesInFlight declared bytes of uploads in progress (received bytes while
	 * one has no length)
	 * @param incompleteUploads uploads in progress
	 * @param maxBytes the byte quota, {@code null} for none
	 * @param maxIncompleteUploads the quota of uploads in progress, {@code null} for none
	 */
	record UsageView(String user, @JsonProperty("bytes_stored") long bytesStored,
			@JsonProperty("bytes_in_flight") long bytesInFlight,
			@JsonProperty("incomplete_uploads") long incompleteUploads, @JsonProperty("max_bytes") Long maxBytes,
			@JsonProperty("max_incomplete_uploads") Integer maxIncompleteUploads) {

		static UsageView of(QuotaUsage usage) {
			return new UsageView(usage.user(), usage.bytesStored(), usage.bytesInFlight(), usage.incompleteUploads(),
					usage.maxBytes(), usage.maxIncompleteUploads());
		}

	}

}
