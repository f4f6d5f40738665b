package dev.chunkedupload.protocol.tus;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatusCode;

/**
 * The {@code Upload-Checksum} header (or trailer) of the checksum extension: an algorithm
 * name, one space, and the Base64 digest of the request body.
 *
 * @param algorithm the algorithm's tus name ({@code md5}, {@code sha1}, {@code sha256})
 * @param digest the expected digest
 */
record UploadChecksum(String algorithm, byte[] digest) {

	/** The supported algorithms: tus name to JDK name. */
	static final Map<String, String> ALGORITHMS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256");

	/** The value of {@code Tus-Checksum-Algorithm}. */
	static final String ANNOUNCED = "md5,sha1,sha256";

	private static final Pattern FORMAT = Pattern
		.compile("([a-z0-9-]{1,32}) ((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)");

	/**
	 * Parse a header or trailer value.
	 * @param value the value
	 * @return the checksum
	 * @throws TusRequestException 400 if malformed (not an algorithm name, one space and
	 * canonical Base64) or the algorithm is not supported
	 */
	static UploadChecksum parse(String value) {
		Matcher matcher = FORMAT.matcher(value.strip());
		if (!matcher.matches()) {
			throw TusRequestException.badRequest("invalid-checksum",
					"Upload-Checksum must be '<algorithm> <Base64 digest>' with a lower-case algorithm name");
		}
		String algorithm = matcher.group(1);
		if (!ALGORITHMS.containsKey(algorithm)) {
			throw new TusRequestException(HttpStatusCode.valueOf(400), "unsupported-checksum-algorithm",
					"Checksum algorithm '" + algorithm + "' is not supported; use one of " + ANNOUNCED);
		}
		// A digest of the wrong length is well formed, it just cannot match: the body is
		// read and refused as a mismatch (460), as for any other digest it does not have.
		return new UploadChecksum(algorithm, Base64.getDecoder().decode(matcher.group(2)));
	}

	static MessageDigest newDigest(String algorithm) {
		try {
			return MessageDigest.getInstance(ALGORITHMS.get(algorithm));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String encoded() {
		return Base64.getEncoder().encodeToString(this.digest);
	}

}
