package dev.chunkedupload.protocol.resumable;

/**
 * A request of this protocol that cannot be understood: a missing or malformed parameter,
 * parameters that contradict each other, or no chunk in the body. Answered 400 with a
 * problem type named by {@code type}.
 */
class BadResumableRequestException extends RuntimeException {

	private final String type;

	BadResumableRequestException(String type, String message) {
		super(message);
		this.type = type;
	}

	String getType() {
		return this.type;
	}

}
