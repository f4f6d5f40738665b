package dev.chunkedupload.upload.model;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Upload ids: 128 random bits in hex, so that an id cannot be guessed from another.
 */
public final class UploadIds {

	private static final SecureRandom random = new SecureRandom();

	private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");

	private UploadIds() {
	}

	/**
	 * A new upload id.
	 * @return 32 lower-case hex digits
	 */
	public static String next() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	/**
	 * Whether a string has the form of an upload id, so a malformed one can be answered
	 * as not found without a query.
	 * @param value the string
	 * @return {@code true} if it could be an id
	 */
	public static boolean isWellFormed(String value) {
		return value != null && FORMAT.matcher(value).matches();
	}

}
