package dev.chunkedupload.upload.model;

import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.error.QuotaExceededException.Quota;

/**
 * How many more bytes an upload without a declared length may grow by before its owner
 * passes a quota. Uploads that declared their length were admitted with it, so only these
 * need counting while the bytes arrive.
 *
 * @param remaining bytes that may still be added
 * @param quota the byte quota behind the figure, for the refusal
 */
public record ByteAllowance(long remaining, long quota) {

	/** No quota applies. */
	public static final ByteAllowance UNLIMITED = new ByteAllowance(Long.MAX_VALUE, Long.MAX_VALUE);

	public ByteAllowance {
		remaining = Math.max(0, remaining);
	}

	/**
	 * The tighter of two allowances.
	 * @param other another allowance
	 * @return the one with fewer bytes left
	 */
	public ByteAllowance min(ByteAllowance other) {
		return (other.remaining < this.remaining) ? other : this;
	}

	/**
	 * Refuse growing by {@code bytes}.
	 * @param bytes how many bytes the upload would grow by
	 * @throws QuotaExceededException if that is more than remains
	 */
	public void check(long bytes) {
		if (bytes > this.remaining) {
			throw new QuotaExceededException(Quota.BYTES, this.quota, "This would pass the byte quota of " + this.quota
					+ " bytes per user (stored and declared): " + this.remaining + " more bytes may be stored");
		}
	}

}
