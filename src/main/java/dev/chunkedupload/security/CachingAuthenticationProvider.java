package dev.chunkedupload.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Remembers successful password checks for a short time. A script sends HTTP Basic with
 * every chunk, and a bcrypt check costs tens of milliseconds of CPU: for a 1 GiB upload
 * in 8 MiB chunks that is 128 checks, seconds of CPU taken from hashing and writing. A
 * remembered check is keyed by a keyed SHA-256 of user name and password (the key is
 * random per process), so the cache never holds a password, and it lapses after
 * {@code ttl}, so a removed user or changed password stops working within that time.
 */
final class CachingAuthenticationProvider implements AuthenticationProvider {

	static final int MAX_ENTRIES = 10_000;

	private final AuthenticationProvider delegate;

	private final Duration ttl;

	private final Clock clock;

	private final byte[] secret = new byte[32];

	private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

	CachingAuthenticationProvider(AuthenticationProvider delegate, Duration ttl, Clock clock) {
		this.delegate = delegate;
		this.ttl = ttl;
		this.clock = clock;
		new SecureRandom().nextBytes(this.secret);
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		if (!(authentication.getCredentials() instanceof String password)) {
			return this.delegate.authenticate(authentication);
		}
		String key = key(authentication.getName(), password);
		Instant now = this.clock.instant();
		Remembered hit = this.remembered.get(key);
		if (hit != null && now.isBefore(hit.until())) {
			UsernamePasswordAuthenticationToken result = UsernamePasswordAuthenticationToken
				.authenticated(hit.authentication().getPrincipal(), null, hit.authentication().getAuthorities());
			result.setDetails(authentication.getDetails());
			return result;
		}
		Authentication result = this.delegate.authenticate(authentication);
		if (result != null && result.isAuthenticated()) {
			if (this.remembered.size() >= MAX_ENTRIES) {
				this.remembered.values().removeIf((entry) -> !now.isBefore(entry.until()));
				if (this.remembered.size() >= MAX_ENTRIES) {
					this.remembered.clear();
				}
			}
			this.remembered.put(key, new Remembered(result, now.plus(this.ttl)));
		}
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.delegate.supports(authentication);
	}

	private String key(String username, String password) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(this.secret);
			sha256.update(username.getBytes(StandardCharsets.UTF_8));
			sha256.update((byte) 0);
			sha256.update(password.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(sha256.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Remembered(Authentication authentication, Instant until) {

	}

}
