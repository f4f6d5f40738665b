package dev.chunkedupload.multipart;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The delimiter before each part, {@code CRLF "--" boundary}, and a Boyer-Moore-Horspool
 * search for it. In file data a mismatch at the delimiter's last byte skips up to its
 * whole length (40 to 74 bytes), so a chunk is looked at about once every few dozen bytes
 * rather than byte by byte.
 */
final class Delimiter {

	/** RFC 2046: a boundary has 1 to 70 characters. */
	static final int MAX_BOUNDARY_LENGTH = 70;

	private final byte[] bytes;

	private final int[] skip = new int[256];

	Delimiter(String boundary) throws MalformedMultipartException {
		if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH) {
			throw new MalformedMultipartException(
					"The multipart boundary must have 1 to " + MAX_BOUNDARY_LENGTH + " characters");
		}
		for (int i = 0; i < boundary.length(); i++) {
			char c = boundary.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				throw new MalformedMultipartException("The multipart boundary has a character it may not have");
			}
		}
		this.bytes = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
		int last = this.bytes.length - 1;
		Arrays.fill(this.skip, this.bytes.length);
		for (int i = 0; i < last; i++) {
			this.skip[this.bytes[i] & 0xff] = last - i;
		}
	}

	int length() {
		return this.bytes.length;
	}

	/** Where the delimiter starts in {@code data[from, to)}, or -1. */
	int indexIn(byte[] data, int from, int to) {
		int last = this.bytes.length - 1;
		byte lastByte = this.bytes[last];
		int i = from;
		int end = to - this.bytes.length;
		while (i <= end) {
			byte b = data[i + last];
			if (b == lastByte && matchesAt(data, i, last)) {
				return i;
			}
			i += this.skip[b & 0xff];
		}
		return -1;
	}

	/**
	 * How many of the last bytes of {@code data[from, to)} could be the start of a
	 * delimiter that the following bytes complete: those cannot be handed out yet.
	 */
	int possibleStartAtEnd(byte[] data, int from, int to) {
		int longest = Math.min(this.bytes.length - 1, to - from);
		for (int k = longest; k > 0; k--) {
			if (data[to - k] == '\r' && matchesAt(data, to - k, k)) {
				return k;
			}
		}
		return 0;
	}

	/** Whether the first {@code count} bytes of the delimiter are at {@code data[at]}. */
	private boolean matchesAt(byte[] data, int at, int count) {
		return Arrays.equals(data, at, at + count, this.bytes, 0, count);
	}

}
