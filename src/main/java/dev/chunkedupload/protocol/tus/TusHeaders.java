package dev.chunkedupload.protocol.tus;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The request headers of tus, read strictly: one value each, numbers as numbers, the
 * protocol version and the media type of bytes, each refused in tus's terms when wrong.
 */
final class TusHeaders {

	private static final Pattern NUMBER = Pattern.compile("\\d{1,19}");

	private TusHeaders() {
	}

	/** The length of a new upload: Upload-Length, or null for Upload-Defer-Length: 1. */
	static Long lengthOf(HttpServletRequest request) {
		Long length = optionalNumber(request, TusController.UPLOAD_LENGTH);
		String defer = request.getHeader(TusController.UPLOAD_DEFER_LENGTH);
		if (defer != null && !defer.strip().equals("1")) {
			throw TusRequestException.badRequest("invalid-defer-length", "Upload-Defer-Length must be 1");
		}
		if ((length == null) == (defer == null)) {
			throw TusRequestException.badRequest("invalid-length",
					"Creation needs exactly one of Upload-Length and Upload-Defer-Length: 1");
		}
		return length;
	}

	static void requireVersion(HttpServletRequest request) {
		String version = request.getHeader(TusController.TUS_RESUMABLE);
		if (version == null || !version.strip().equals(TusController.VERSION)) {
			throw new TusRequestException(HttpStatus.PRECONDITION_FAILED, "unsupported-version",
					(version == null) ? "Tus-Resumable is required; this server speaks " + TusController.VERSION
							: "Tus-Resumable " + printable(version, 80) + " is not supported; this server speaks "
									+ TusController.VERSION);
		}
	}

	static void requireOffsetOctetStream(HttpServletRequest request) {
		String type = request.getContentType();
		String essence = (type != null) ? type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT) : null;
		if (!TusController.OFFSET_OCTET_STREAM.equals(essence)) {
			throw new TusRequestException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					"Bytes must be sent as Content-Type: " + TusController.OFFSET_OCTET_STREAM);
		}
	}

	static long requireNumber(HttpServletRequest request, String name) {
		Long value = optionalNumber(request, name);
		if (value == null) {
			throw TusRequestException.badRequest("missing-" + name.toLowerCase(Locale.ROOT), name + " is required");
		}
		return value;
	}

	static Long optionalNumber(HttpServletRequest request, String name) {
		return number(name, Collections.list(request.getHeaders(name)));
	}

	/**
	 * A numeric header from its values as they came.
	 * @param name the header's name, for messages
	 * @param values every value the request has of it
	 * @return the number, or {@code null} without a value
	 * @throws TusRequestException 400 unless there is exactly one non-negative number
	 */
	static Long number(String name, List<String> values) {
		if (values.isEmpty()) {
			return null;
		}
		String value = values.get(0).strip();
		if (values.size() > 1 || !NUMBER.matcher(value).matches()) {
			throw TusRequestException.badRequest("invalid-" + name.toLowerCase(Locale.ROOT),
					name + " must be one non-negative integer, got '" + printable(String.join(",", values), 80) + "'");
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw TusRequestException.badRequest("invalid-" + name.toLowerCase(Locale.ROOT), name + " is too large");
		}
	}

	static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	/**
	 * A client's value as it may be echoed in a message: cut to a length, and with
	 * anything but printable ASCII replaced.
	 * @param value the value
	 * @param maxLength the most characters shown
	 * @return the printable value
	 */
	static String printable(String value, int maxLength) {
		String shown = (value.length() > maxLength) ? value.substring(0, maxLength) + "..." : value;
		return shown.replaceAll("[^\\x20-\\x7e]", "?");
	}

}
