package dev.chunkedupload.protocol.rufh;

/**
 * The names the draft gives to fields, media types and problem types, in one place so
 * that controller, exception handler and CORS configuration agree on them.
 */
final class Rufh {

	static final String PATH = "/api/rufh";

	static final String PARTIAL_UPLOAD = "application/partial-upload";

	static final String UPLOAD_OFFSET = "Upload-Offset";

	static final String UPLOAD_COMPLETE = "Upload-Complete";

	/** Version 6's field, the opposite of {@link #UPLOAD_COMPLETE}. */
	static final String UPLOAD_INCOMPLETE = "Upload-Incomplete";

	static final String UPLOAD_LENGTH = "Upload-Length";

	static final String UPLOAD_LIMIT = "Upload-Limit";

	/** The draft registers its problem types with IANA; clients may match on them. */
	static final String PROBLEM_TYPES = "https://iana.org/assignments/http-problem-types#";

	static final String MISMATCHING_UPLOAD_OFFSET = "mismatching-upload-offset";

	static final String INCONSISTENT_UPLOAD_LENGTH = "inconsistent-upload-length";

	/** Draft -09 to -11 only: -12 dropped it. */
	static final String COMPLETED_UPLOAD = "completed-upload";

	private Rufh() {
	}

}
