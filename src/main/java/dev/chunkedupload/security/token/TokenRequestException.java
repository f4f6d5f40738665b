package dev.chunkedupload.security.token;

import org.springframework.http.HttpStatus;

/**
 * A token request refused, with the status and problem type it is answered with.
 */
public class TokenRequestException extends RuntimeException {

	private final HttpStatus status;

	private final String type;

	TokenRequestException(HttpStatus status, String type, String message) {
		super(message);
		this.status = status;
		this.type = type;
	}

	static TokenRequestException notFound(String id) {
		String shown = (id.length() > 64) ? id.substring(0, 64) : id;
		return new TokenRequestException(HttpStatus.NOT_FOUND, "token-not-found", "There is no token " + shown);
	}

	static TokenRequestException invalid(String message) {
		return new TokenRequestException(HttpStatus.BAD_REQUEST, "invalid-token-request", message);
	}

	public HttpStatus getStatus() {
		return this.status;
	}

	public String getType() {
		return this.type;
	}

}
