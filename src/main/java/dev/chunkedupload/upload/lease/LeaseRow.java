package dev.chunkedupload.upload.lease;

import java.time.Instant;

/**
 * Where one kind of lease is stored: the upload's own row, a chunk's claim, an upload's
 * hash lease. Each kind is a row with an owner token and an expiry, changed only by
 * conditional updates, so the lease holds across every instance sharing the database.
 */
public interface LeaseRow {

	/**
	 * Extend the lease if the token still holds it.
	 * @param token the holder's token
	 * @param now the current time; a lease that ran out before it is lost
	 * @param until the new expiry
	 * @return {@code true} if extended, {@code false} if the lease was lost
	 */
	boolean renew(String token, Instant now, Instant until);

	/**
	 * Give up the lease if the token still holds it; does nothing otherwise.
	 * @param token the holder's token
	 */
	void release(String token);

}
