package dev.chunkedupload.security.token;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * A request authenticated by an API token: its owner, with the owner's roles as they are
 * now, and which token it was.
 */
public final class TokenAuthentication extends AbstractAuthenticationToken {

	private final UserDetails user;

	private final String tokenId;

	TokenAuthentication(UserDetails user, String tokenId) {
		super(user.getAuthorities());
		this.user = user;
		this.tokenId = tokenId;
		setAuthenticated(true);
	}

	@Override
	public Object getCredentials() {
		return null;
	}

	@Override
	public Object getPrincipal() {
		return this.user;
	}

	/**
	 * The token's id.
	 * @return the id, as {@code GET /api/tokens} lists it
	 */
	public String getTokenId() {
		return this.tokenId;
	}

}
