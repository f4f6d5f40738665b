package dev.chunkedupload.protocol.rufh;

import org.springframework.http.HttpStatusCode;

/**
 * A request refused before the core was asked: a missing or invalid field, a wrong media
 * type, lengths that contradict each other. Answered with {@code status} and a problem of
 * type {@code /problems/<type>}, or of the draft's own type where it defines one.
 */
class RufhRequestException extends RuntimeException {

	private final HttpStatusCode status;

	private final String type;

	RufhRequestException(HttpStatusCode status, String type, String message) {
		super(message);
		this.status = status;
		this.type = type;
	}

	static RufhRequestException badRequest(String type, String message) {
		return new RufhRequestException(HttpStatusCode.valueOf(400), type, message);
	}

	/**
	 * The draft's 400 for lengths that do not agree (Upload-Length, the body, the
	 * upload).
	 */
	static RufhRequestException inconsistentLength(String message) {
		return badRequest(Rufh.INCONSISTENT_UPLOAD_LENGTH, message);
	}

	HttpStatusCode getStatus() {
		return this.status;
	}

	String getType() {
		return this.type;
	}

}
