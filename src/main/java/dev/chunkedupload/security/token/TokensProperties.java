package dev.chunkedupload.security.token;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on API tokens.
 *
 * @param maxPerUser how many tokens that have not expired a user may hold
 * @param maxLifetime the longest lifetime a token may be given (whole days)
 * @param defaultLifetime the lifetime of a token created without {@code expires_in_days}
 */
@Validated
@ConfigurationProperties("chunked-upload.tokens")
public record TokensProperties(@DefaultValue("20") @Min(1) int maxPerUser,
		@DefaultValue("365d") @NotNull Duration maxLifetime, @DefaultValue("30d") @NotNull Duration defaultLifetime) {

	/**
	 * The longest lifetime in whole days.
	 * @return at least 1
	 */
	public int maxDays() {
		return (int) Math.max(1, this.maxLifetime.toDays());
	}

	/**
	 * The default lifetime in whole days.
	 * @return from 1 to {@link #maxDays()}
	 */
	public int defaultDays() {
		return (int) Math.min(maxDays(), Math.max(1, this.defaultLifetime.toDays()));
	}

}
