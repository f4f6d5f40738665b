package dev.chunkedupload.security.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Creates, lists, revokes and checks API tokens. A token is {@value #PREFIX} and 64 hex
 * digits (256 random bits), so secret scanners can recognise it; only its SHA-256 is
 * stored. A slow password hash would add nothing for a secret that long, and it would
 * cost every chunk of every script tens of milliseconds. Checking a token is one query on
 * the unique index of that hash; nothing is cached, so a revoked or expired token is
 * refused on the next request on every instance.
 */
@Service
public class ApiTokens {

	/** What every token starts with. */
	public static final String PREFIX = "cut_";

	/** The longest name a token may have. */
	public static final int MAX_NAME_LENGTH = 100;

	/**
	 * How stale the recorded last use may be: a token used all the time is one write a
	 * minute.
	 */
	static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

	/** How long an expired token stays in its owner's list. */
	static final Duration EXPIRED_KEPT = Duration.ofDays(30);

	private static final Logger logger = LoggerFactory.getLogger(ApiTokens.class);

	private static final Pattern WELL_FORMED = Pattern.compile(Pattern.quote(PREFIX) + "[0-9a-f]{64}");

	private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

	private final SecureRandom random = new SecureRandom();

	private final JdbcTemplate jdbc;

	private final TokensProperties properties;

	private final Clock clock;

	ApiTokens(JdbcTemplate jdbc, TokensProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Create a token for {@code owner}.
	 * @param owner the user it authenticates as
	 * @param name what the owner calls it
	 * @param expiresInDays its lifetime in days, or {@code null} for the default
	 * @return the token with its secret, shown this once
	 * @throws TokenRequestException if the name or lifetime is not allowed, or the owner
	 * holds as many tokens as allowed
	 */
	public NewToken create(String owner, String name, Integer expiresInDays) {
		String cleanName = checkName(name);
		int days = (expiresInDays != null) ? expiresInDays : this.properties.defaultDays();
		if (days < 1 || days > this.properties.maxDays()) {
			throw TokenRequestException
				.invalid("expires_in_days must be from 1 to " + this.properties.maxDays() + ", not " + days);
		}
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		// Expired tokens stay listed for a while, so their owner sees why a script
		// stopped.
		this.jdbc.update("delete from api_token where owner = ? and expires_at < ?", owner,
				at(now.minus(EXPIRED_KEPT)));
		Integer held = this.jdbc.queryForObject("select count(*) from api_token where owner = ? and expires_at > ?",
				Integer.class, owner, at(now));
		if (held != null && held >= this.properties.maxPerUser()) {
			throw new TokenRequestException(HttpStatus.CONFLICT, "too-many-tokens",
					"You hold " + held + " tokens, the most allowed: revoke one first");
		}
		String id = hex(16);
		String secret = PREFIX + hex(32);
		Instant expires = now.plus(Duration.ofDays(days));
		this.jdbc.update(
				"insert into api_token (token_id, owner, name, token_hash, created_at, expires_at) values (?, ?, ?, ?, ?, ?)",
				id, owner, cleanName, hash(secret), at(now), at(expires));
		logger.info("API token {} ({}) created for {}, expires {}", id, cleanName, owner, expires);
		return new NewToken(id, cleanName, secret, expires);
	}

	/**
	 * The owner's tokens, newest first, without their secrets (they are not kept).
	 * @param owner the user
	 * @return the tokens, expired ones too until they are revoked
	 */
	public List<ApiToken> list(String owner) {
		Instant now = this.clock.instant();
		return this.jdbc.query(
				"select token_id, name, created_at, expires_at, last_used_at from api_token where owner = ? order by created_at desc, token_id",
				(row, i) -> {
					Instant expires = instant(row.getObject(4, OffsetDateTime.class));
					return new ApiToken(row.getString(1), row.getString(2),
							instant(row.getObject(3, OffsetDateTime.class)), expires,
							instant(row.getObject(5, OffsetDateTime.class)), !now.isBefore(expires));
				}, owner);
	}

	/**
	 * Revoke one of the owner's tokens: it stops working at once.
	 * @param owner the user
	 * @param id the token's id
	 * @throws TokenRequestException (404) if the owner has no such token
	 */
	public void revoke(String owner, String id) {
		if (!ID.matcher(id).matches()
				|| this.jdbc.update("delete from api_token where token_id = ? and owner = ?", id, owner) == 0) {
			throw TokenRequestException.notFound(id);
		}
		logger.info("API token {} of {} revoked", id, owner);
	}

	/**
	 * The token behind a secret, if it is one that works now. Records its use, at most
	 * once per {@link #LAST_USED_RESOLUTION}.
	 * @param secret what the client sent
	 * @return the token's id and owner, or empty if it is unknown, revoked or expired
	 */
	public Optional<Holder> authenticate(String secret) {
		if (!WELL_FORMED.matcher(secret).matches()) {
			return Optional.empty();
		}
		byte[] hash = hash(secret).getBytes(StandardCharsets.US_ASCII);
		List<Stored> found = this.jdbc.query(
				"select token_id, owner, token_hash, expires_at, last_used_at from api_token where token_hash = ?",
				(row, i) -> new Stored(row.getString(1), row.getString(2), row.getString(3),
						instant(row.getObject(4, OffsetDateTime.class)),
						instant(row.getObject(5, OffsetDateTime.class))),
				new String(hash, StandardCharsets.US_ASCII));
		Instant now = this.clock.instant();
		// The index found the row by the hash; comparing again in constant time costs
		// nothing and leaves no timing to learn from, whatever the database does.
		Optional<Stored> valid = found.stream()
			.filter((token) -> MessageDigest.isEqual(token.hash().getBytes(StandardCharsets.US_ASCII), hash))
			.filter((token) -> now.isBefore(token.expires()))
			.findFirst();
		valid.filter((token) -> token.lastUsed() == null || token.lastUsed().isBefore(now.minus(LAST_USED_RESOLUTION)))
			.ifPresent((token) -> this.jdbc.update(
					"update api_token set last_used_at = ? where token_id = ? and (last_used_at is null or last_used_at < ?)",
					at(now), token.id(), at(now.minus(LAST_USED_RESOLUTION))));
		return valid.map((token) -> new Holder(token.id(), token.owner()));
	}

	private static String checkName(String name) {
		String trimmed = (name != null) ? name.strip() : "";
		if (trimmed.isEmpty()) {
			throw TokenRequestException.invalid("A token needs a name, such as the script or machine that uses it");
		}
		if (trimmed.length() > MAX_NAME_LENGTH) {
			throw TokenRequestException.invalid("A token's name may have at most " + MAX_NAME_LENGTH + " characters");
		}
		if (trimmed.chars().anyMatch(Character::isISOControl)) {
			throw TokenRequestException.invalid("A token's name may not contain control characters");
		}
		return trimmed;
	}

	private String hex(int bytes) {
		byte[] random = new byte[bytes];
		this.random.nextBytes(random);
		return HexFormat.of().formatHex(random);
	}

	static String hash(String secret) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static OffsetDateTime at(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	private static Instant instant(OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * Who a working token authenticates.
	 *
	 * @param tokenId the token's id
	 * @param owner its owner's user name
	 */
	public record Holder(String tokenId, String owner) {

	}

	private record Stored(String id, String owner, String hash, Instant expires, Instant lastUsed) {

	}

}
