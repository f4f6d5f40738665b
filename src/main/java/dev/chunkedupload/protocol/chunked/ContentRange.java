package dev.chunkedupload.protocol.chunked;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request's {@code Content-Range: bytes START-END/TOTAL} header, END inclusive.
 *
 * @param start the first byte's position
 * @param end the last byte's position
 * @param total the file's total length
 */
record ContentRange(long start, long end, long total) {

	private static final Pattern FORMAT = Pattern.compile("^bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19})$");

	/**
	 * Parse the header value.
	 * @param header the value
	 * @return the range
	 * @throws BadChunkRequestException if it is not of the form, or the numbers
	 * contradict each other
	 */
	static ContentRange parse(String header) {
		Matcher matcher = FORMAT.matcher(header.strip());
		if (!matcher.matches()) {
			throw new BadChunkRequestException("invalid-content-range",
					"Content-Range must be 'bytes START-END/TOTAL', got '" + printable(header) + "'");
		}
		try {
			long start = Long.parseLong(matcher.group(1));
			long end = Long.parseLong(matcher.group(2));
			long total = Long.parseLong(matcher.group(3));
			if (end < start) {
				throw new BadChunkRequestException("invalid-content-range",
						"Content-Range END " + end + " is before START " + start);
			}
			if (end >= total) {
				throw new BadChunkRequestException("invalid-content-range",
						"Content-Range END " + end + " must be below TOTAL " + total);
			}
			return new ContentRange(start, end, total);
		}
		catch (NumberFormatException ex) {
			throw new BadChunkRequestException("invalid-content-range", "Content-Range numbers are too large");
		}
	}

	long length() {
		return this.end - this.start + 1;
	}

	boolean isLast() {
		return this.end + 1 == this.total;
	}

	private static String printable(String value) {
		String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
		return shown.replaceAll("[^\\x20-\\x7e]", "?");
	}

}
