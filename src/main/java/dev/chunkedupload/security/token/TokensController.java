package dev.chunkedupload.security.token;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's API tokens: create (the secret is in this answer only), list, revoke.
 * Managing tokens takes the password or a logged-in session, never a token, so a leaked
 * token cannot make itself new ones that outlive it, nor hide by revoking the others.
 */
@RestController
@RequestMapping("/api/tokens")
class TokensController {

	private final ApiTokens tokens;

	TokensController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@PostMapping
	ResponseEntity<NewToken> create(@RequestBody(required = false) CreateRequest request,
			Authentication authentication) {
		String owner = owner(authentication);
		if (request == null) {
			throw TokenRequestException.invalid("Send {\"name\": \"...\", \"expires_in_days\": 30}");
		}
		NewToken created = this.tokens.create(owner, request.name(), request.expiresInDays());
		return ResponseEntity.created(URI.create("/api/tokens/" + created.id()))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(created);
	}

	@GetMapping
	List<ApiToken> list(Authentication authentication) {
		return this.tokens.list(owner(authentication));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> revoke(@PathVariable String id, Authentication authentication) {
		this.tokens.revoke(owner(authentication), id);
		return ResponseEntity.noContent().build();
	}

	/**
	 * The caller, who must not be using a token.
	 * @param authentication the request's authentication
	 * @return the user name
	 */
	static String owner(Authentication authentication) {
		if (authentication instanceof TokenAuthentication) {
			throw new TokenRequestException(HttpStatus.FORBIDDEN, "token-not-allowed",
					"Tokens are managed with your password or in the browser, not with a token");
		}
		return authentication.getName();
	}

	/**
	 * What a client asks for.
	 *
	 * @param name what to call the token
	 * @param expiresInDays its lifetime in days; the default lifetime if absent
	 */
	record CreateRequest(String name, @JsonProperty("expires_in_days") Integer expiresInDays) {

	}

}
