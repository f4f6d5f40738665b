package dev.chunkedupload.upload.quota;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Quotas, off unless set: {@code chunked-upload.quota.*} for everyone, and per user
 * beside the user's password and roles, {@code chunked-upload.users.<name>.quota.*}. The
 * users' other settings belong to the security package, which reads the same map.
 *
 * @param quota the quotas of every user
 * @param users per-user overrides, by user name
 */
@Validated
@ConfigurationProperties("chunked-upload")
public record QuotaProperties(@DefaultValue @Valid Limits quota, @DefaultValue Map<String, @Valid User> users) {

	/**
	 * The quotas that apply to one user: the user's own where set, else everyone's.
	 * @param user the user name
	 * @return the quotas
	 */
	public Limits limitsOf(String user) {
		User own = this.users.get(user);
		if (own == null || own.quota() == null) {
			return this.quota;
		}
		return new Limits(
				(own.quota().maxBytesPerUser() != null) ? own.quota().maxBytesPerUser() : this.quota.maxBytesPerUser(),
				(own.quota().maxIncompleteUploadsPerUser() != null) ? own.quota().maxIncompleteUploadsPerUser()
						: this.quota.maxIncompleteUploadsPerUser());
	}

	/**
	 * Quotas; either may be left unset (no limit).
	 *
	 * @param maxBytesPerUser how many bytes a user may hold: completed files plus, for
	 * each upload in progress, its declared length (or the bytes received, while it has
	 * none)
	 * @param maxIncompleteUploadsPerUser how many uploads a user may have in progress
	 */
	public record Limits(DataSize maxBytesPerUser, @PositiveOrZero Integer maxIncompleteUploadsPerUser) {

		/**
		 * Whether any quota is set.
		 * @return {@code true} if one is
		 */
		public boolean any() {
			return this.maxBytesPerUser != null || this.maxIncompleteUploadsPerUser != null;
		}

	}

	/**
	 * The part of a configured user that is about quotas.
	 *
	 * @param quota the user's own quotas, replacing everyone's where set (as
	 * {@code max-bytes-per-user} and {@code max-incomplete-uploads-per-user})
	 */
	public record User(@Valid Limits quota) {

	}

}
