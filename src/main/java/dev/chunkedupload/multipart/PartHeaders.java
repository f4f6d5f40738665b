package dev.chunkedupload.multipart;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The headers of one part, as far as a form upload needs them:
 * {@code Content-Disposition} with its {@code name} and {@code filename} (or RFC 5987's
 * {@code filename*}), and {@code Content-Type}. Other headers are read past.
 */
record PartHeaders(String name, String filename, String contentType) {

	/**
	 * Parse a header block (the lines between a delimiter and the empty line, without the
	 * empty line).
	 */
	static PartHeaders parse(String block) throws MalformedMultipartException {
		String disposition = null;
		String contentType = null;
		for (String line : block.split("\r\n", -1)) {
			if (line.isEmpty()) {
				continue;
			}
			int colon = line.indexOf(':');
			if (colon <= 0) {
				throw new MalformedMultipartException("A part header is not 'Name: value'");
			}
			String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
			String value = line.substring(colon + 1).strip();
			if (header.equals("content-disposition")) {
				disposition = value;
			}
			else if (header.equals("content-type")) {
				contentType = value;
			}
		}
		if (disposition == null) {
			return new PartHeaders(null, null, contentType);
		}
		Map<String, String> parameters = parameters(disposition);
		String filename = parameters.get("filename*");
		filename = (filename != null) ? extendedValue(filename, parameters.get("filename"))
				: parameters.get("filename");
		return new PartHeaders(parameters.get("name"), filename, contentType);
	}

	/** The parameters after the disposition type, names in lower case, the first wins. */
	private static Map<String, String> parameters(String disposition) {
		Map<String, String> parameters = new HashMap<>();
		int i = disposition.indexOf(';');
		int length = disposition.length();
		while (i >= 0 && i < length) {
			i++;
			int equals = disposition.indexOf('=', i);
			int semicolon = disposition.indexOf(';', i);
			if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
				i = semicolon;
				continue;
			}
			String name = disposition.substring(i, equals).strip().toLowerCase(Locale.ROOT);
			int start = equals + 1;
			while (start < length && disposition.charAt(start) == ' ') {
				start++;
			}
			StringBuilder value = new StringBuilder();
			if (start < length && disposition.charAt(start) == '"') {
				i = quoted(disposition, start + 1, value);
				i = disposition.indexOf(';', i);
			}
			else {
				int end = (semicolon >= 0) ? semicolon : length;
				value.append(disposition, start, end);
				i = semicolon;
			}
			parameters.putIfAbsent(name, value.toString().strip());
		}
		return parameters;
	}

	/**
	 * Read a quoted string from {@code from} (after the opening quote) into
	 * {@code value}; returns the index after the closing quote. Only {@code \"} and
	 * {@code \\} are escapes: browsers send other backslashes (Windows paths) as they
	 * are.
	 */
	private static int quoted(String text, int from, StringBuilder value) {
		int i = from;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
				value.append(text.charAt(i + 1));
				i += 2;
			}
			else if (c == '"' && closes(text, i + 1)) {
				return i + 1;
			}
			else {
				value.append(c);
				i++;
			}
		}
		return i;
	}

	/**
	 * Some clients put quotes into a file name unescaped: a quote closes the string only
	 * where the parameter ends, as Commons FileUpload read such names.
	 */
	private static boolean closes(String text, int from) {
		int i = from;
		while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
			i++;
		}
		return i == text.length() || text.charAt(i) == ';';
	}

	/** RFC 5987: {@code charset'language'percent-encoded}; unreadable falls back. */
	private static String extendedValue(String value, String fallback) {
		int first = value.indexOf('\'');
		int second = (first >= 0) ? value.indexOf('\'', first + 1) : -1;
		if (second < 0) {
			return fallback;
		}
		try {
			Charset charset = Charset.forName(value.substring(0, first));
			String encoded = value.substring(second + 1).replace("+", "%2B");
			return URLDecoder.decode(encoded, charset);
		}
		catch (IllegalArgumentException ex) {
			return fallback;
		}
	}

}
