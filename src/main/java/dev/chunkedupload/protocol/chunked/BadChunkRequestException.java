package dev.chunkedupload.protocol.chunked;

/**
 * A request of this protocol that cannot be understood: a malformed header or field, or a
 * missing chunk. Answered 400 with a problem type named by {@code type}.
 */
class BadChunkRequestException extends RuntimeException {

	private final String type;

	BadChunkRequestException(String type, String message) {
		super(message);
		this.type = type;
	}

	String getType() {
		return this.type;
	}

}
