package dev.chunkedupload.security.token;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.chunkedupload.problem.Problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} on any request: a working token authenticates the
 * request as its owner, with the owner's roles as configured now; anything else is 401 at
 * once (RFC 6750's {@code invalid_token}), without trying other credentials. The
 * authentication lives for this request only, as with HTTP Basic: no session is made.
 */
public final class BearerTokenFilter extends OncePerRequestFilter {

	private static final String SCHEME = "Bearer ";

	private final ApiTokens tokens;

	private final UserDetailsService users;

	private final String realm;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	public BearerTokenFilter(ApiTokens tokens, UserDetailsService users, String realm) {
		this.tokens = tokens;
		this.users = users;
		this.realm = realm;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			chain.doFilter(request, response);
			return;
		}
		Optional<ApiTokens.Holder> holder = this.tokens.authenticate(header.substring(SCHEME.length()).strip());
		Optional<UserDetails> user = holder.flatMap((found) -> owner(found.owner()));
		if (user.isEmpty()) {
			Problem
				.of(HttpStatus.UNAUTHORIZED, "invalid-token",
						"The token is unknown, revoked or expired, or its owner no longer exists")
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + this.realm + "\", error=\"invalid_token\"")
				.writeTo(response);
			return;
		}
		SecurityContext context = this.contexts.createEmptyContext();
		TokenAuthentication authentication = new TokenAuthentication(user.get(), holder.get().tokenId());
		authentication.setDetails(request.getRemoteAddr());
		context.setAuthentication(authentication);
		this.contexts.setContext(context);
		chain.doFilter(request, response);
	}

	private Optional<UserDetails> owner(String name) {
		try {
			UserDetails user = this.users.loadUserByUsername(name);
			boolean usable = user.isEnabled() && user.isAccountNonLocked() && user.isAccountNonExpired();
			return usable ? Optional.of(user) : Optional.empty();
		}
		catch (UsernameNotFoundException ex) {
			return Optional.empty();
		}
	}

}
