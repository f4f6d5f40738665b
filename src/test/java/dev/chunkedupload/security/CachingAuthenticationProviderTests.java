package dev.chunkedupload.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.MutableClock;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingAuthenticationProviderTests {

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	private final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
			User.withUsername("alice").password(this.encoder.encode("right")).roles("USER").build());

	private final AtomicInteger checks = new AtomicInteger();

	private final MutableClock clock = new MutableClock();

	private final CachingAuthenticationProvider provider = new CachingAuthenticationProvider(counting(),
			Duration.ofMinutes(5), this.clock);

	@Test
	void authenticateWhenSameCredentialsAgainThenPasswordCheckedOnce() {
		Authentication first = this.provider.authenticate(token("alice", "right"));
		Authentication second = this.provider.authenticate(token("alice", "right"));
		assertThat(this.checks).hasValue(1);
		assertThat(second.isAuthenticated()).isTrue();
		assertThat(second.getName()).isEqualTo("alice");
		assertThat(second.getAuthorities()).isEqualTo(first.getAuthorities());
		assertThat(second.getCredentials()).isNull();
	}

	@Test
	void authenticateWhenWrongPasswordThenAlwaysCheckedAndRefused() {
		this.provider.authenticate(token("alice", "right"));
		assertThatExceptionOfType(BadCredentialsException.class)
			.isThrownBy(() -> this.provider.authenticate(token("alice", "wrong")));
		assertThatExceptionOfType(BadCredentialsException.class)
			.isThrownBy(() -> this.provider.authenticate(token("alice", "wrong")));
		assertThat(this.checks).hasValue(3);
	}

	@Test
	void authenticateWhenRememberedCheckLapsedThenCheckedAgain() {
		this.provider.authenticate(token("alice", "right"));
		this.clock.advance(Duration.ofMinutes(6));
		this.users.deleteUser("alice");
		assertThatExceptionOfType(BadCredentialsException.class)
			.isThrownBy(() -> this.provider.authenticate(token("alice", "right")));
	}

	private AuthenticationProvider counting() {
		DaoAuthenticationProvider dao = new DaoAuthenticationProvider(this.users);
		dao.setPasswordEncoder(this.encoder);
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				CachingAuthenticationProviderTests.this.checks.incrementAndGet();
				return dao.authenticate(authentication);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return dao.supports(authentication);
			}

		};
	}

	private static UsernamePasswordAuthenticationToken token(String user, String password) {
		return UsernamePasswordAuthenticationToken.unauthenticated(user, password);
	}

}
