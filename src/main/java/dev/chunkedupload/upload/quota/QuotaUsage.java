package dev.chunkedupload.upload.quota;

import dev.chunkedupload.upload.quota.QuotaProperties.Limits;

/**
 * What one user holds, as the quotas count it.
 *
 * @param user the user name
 * @param bytesStored bytes of completed uploads
 * @param bytesInFlight bytes of uploads in progress: each one's declared length, or what
 * it received while it has none
 * @param incompleteUploads uploads in progress (idle ones past their expiry are not: they
 * cannot continue)
 * @param maxBytes the user's byte quota, or {@code null} for none
 * @param maxIncompleteUploads the user's quota of uploads in progress, or {@code null}
 */
public record QuotaUsage(String user, long bytesStored, long bytesInFlight, long incompleteUploads, Long maxBytes,
		Integer maxIncompleteUploads) {

	static QuotaUsage of(String user, long bytesStored, long bytesInFlight, long incompleteUploads, Limits limits) {
		return new QuotaUsage(user, bytesStored, bytesInFlight, incompleteUploads,
				(limits.maxBytesPerUser() != null) ? limits.maxBytesPerUser().toBytes() : null,
				limits.maxIncompleteUploadsPerUser());
	}

	/**
	 * What the byte quota counts.
	 * @return stored plus in-flight bytes
	 */
	public long bytesCounted() {
		return this.bytesStored + this.bytesInFlight;
	}

}
