package dev.chunkedupload.protocol.rufh;

import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;

/**
 * The draft versions this server speaks, named by the
 * {@code Upload-Draft-Interop-Version} that clients send. Each version has its own field
 * for completeness and its own key for the upload's lifetime in {@code Upload-Limit}.
 */
enum InteropVersion {

	/**
	 * Drafts -04 and -05: iOS 18.1 and later, tus-js-client's {@code ietf-draft-05}.
	 * Clients of this version say {@code Upload-Complete} (tus-js-client 4.3.1 does) or
	 * the older {@code Upload-Incomplete}, so both are read and both are answered.
	 */
	V6(6, "expires"),

	/**
	 * Drafts -09 to -11: iOS 26. {@code Upload-Complete} replaces
	 * {@code Upload-Incomplete}.
	 */
	V8(8, "max-age"),

	/** Draft -12, the latest. */
	V9(9, "max-age");

	static final String HEADER = "Upload-Draft-Interop-Version";

	private final int number;

	private final String lifetimeKey;

	InteropVersion(int number, String lifetimeKey) {
		this.number = number;
		this.lifetimeKey = lifetimeKey;
	}

	/**
	 * The version a request asks for. A request that names none is taken as the latest,
	 * which is what the draft will be once it is published without the field; one that
	 * names a version this server does not speak is refused, rather than answered in
	 * another version's terms that its client would misread.
	 * @param request the request
	 * @return its version
	 * @throws RufhRequestException 400 for an unsupported or malformed version
	 */
	static InteropVersion of(HttpServletRequest request) {
		List<String> values = Collections.list(request.getHeaders(HEADER));
		if (values.isEmpty()) {
			return V9;
		}
		Long number = (values.size() == 1) ? StructuredFields.integer(values.get(0)) : null;
		for (InteropVersion version : values()) {
			if (number != null && version.number == number) {
				return version;
			}
		}
		throw new RufhRequestException(HttpStatus.BAD_REQUEST, "unsupported-interop-version",
				"Upload-Draft-Interop-Version " + StructuredFields.printable(String.join(",", values))
						+ " is not supported; this server speaks 6, 8 and 9");
	}

	/** The value of the interop version field. */
	String number() {
		return String.valueOf(this.number);
	}

	/**
	 * Say in an answer whether the upload is complete, in the fields of this version.
	 * @param headers the answer's headers
	 * @param complete whether the upload is complete
	 */
	void putComplete(org.springframework.http.HttpHeaders headers, boolean complete) {
		headers.set(Rufh.UPLOAD_COMPLETE, StructuredFields.bool(complete));
		if (this == V6) {
			headers.set(Rufh.UPLOAD_INCOMPLETE, StructuredFields.bool(!complete));
		}
	}

	/**
	 * Whether the bytes of this request end the upload, as the client says. In version 6
	 * {@code Upload-Complete} counts if valid, else {@code Upload-Incomplete}, and
	 * neither means complete; from version 8 on, {@code Upload-Complete} is required.
	 * @param request the request
	 * @return whether the client says the upload is complete after this request
	 * @throws RufhRequestException 400 when a required field is absent or invalid
	 */
	boolean completes(HttpServletRequest request) {
		Boolean value = StructuredFields.bool(request.getHeader(Rufh.UPLOAD_COMPLETE));
		if (this == V6 && value == null) {
			Boolean incomplete = StructuredFields.bool(request.getHeader(Rufh.UPLOAD_INCOMPLETE));
			return incomplete == null || !incomplete;
		}
		if (value == null) {
			throw RufhRequestException.badRequest("missing-upload-complete",
					"Upload-Complete is required, as ?0 or ?1 (an invalid value counts as absent)");
		}
		return value;
	}

	/**
	 * The key of {@code Upload-Limit} that gives the seconds an upload stays available.
	 */
	String lifetimeKey() {
		return this.lifetimeKey;
	}

}
