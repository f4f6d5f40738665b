package dev.chunkedupload.protocol.tus;

import org.springframework.http.HttpStatusCode;

/**
 * A tus request refused before the core was asked: a missing or malformed header, a wrong
 * media type, a method the upload does not allow. Answered with {@code status} and a
 * problem of type {@code /problems/<type>}.
 */
class TusRequestException extends RuntimeException {

	private final HttpStatusCode status;

	private final String type;

	TusRequestException(HttpStatusCode status, String type, String message) {
		super(message);
		this.status = status;
		this.type = type;
	}

	static TusRequestException badRequest(String type, String message) {
		return new TusRequestException(HttpStatusCode.valueOf(400), type, message);
	}

	HttpStatusCode getStatus() {
		return this.status;
	}

	String getType() {
		return this.type;
	}

}
