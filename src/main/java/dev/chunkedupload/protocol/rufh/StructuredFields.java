package dev.chunkedupload.protocol.rufh;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The few structured-field items (RFC 9651) the draft uses, parsed as the RFC says: a
 * value that does not parse is treated as if the field were absent, never guessed at.
 */
final class StructuredFields {

	/**
	 * An sf-integer: an optional minus and at most 15 digits. Offsets are never negative.
	 */
	private static final Pattern INTEGER = Pattern.compile("[0-9]{1,15}");

	private StructuredFields() {
	}

	/**
	 * A boolean field.
	 * @param value the field's value, or {@code null} if absent
	 * @return its value, or {@code null} if absent or not exactly {@code ?0} or
	 * {@code ?1}
	 */
	static Boolean bool(String value) {
		if (value == null) {
			return null;
		}
		return switch (stripOws(value)) {
			case "?1" -> Boolean.TRUE;
			case "?0" -> Boolean.FALSE;
			default -> null;
		};
	}

	static String bool(boolean value) {
		return value ? "?1" : "?0";
	}

	/**
	 * A non-negative integer field.
	 * @param value the field's value, or {@code null} if absent
	 * @return its value, or {@code null} if absent or not an sf-integer of at most 15
	 * digits
	 */
	static Long integer(String value) {
		if (value == null) {
			return null;
		}
		String stripped = stripOws(value);
		return INTEGER.matcher(stripped).matches() ? Long.valueOf(stripped) : null;
	}

	/**
	 * A dictionary of integers, as {@code Upload-Limit} is sent.
	 * @param members the keys and values, in order
	 * @return the serialized dictionary
	 */
	static String dictionary(Map<String, Long> members) {
		return members.entrySet()
			.stream()
			.map((member) -> member.getKey() + "=" + member.getValue())
			.collect(Collectors.joining(", "));
	}

	/** RFC 9651 allows spaces around a field's value and nothing else. */
	private static String stripOws(String value) {
		return value.strip();
	}

	/**
	 * A client's value as it may be echoed in a message: cut, and with anything but
	 * printable ASCII replaced.
	 * @param value the value
	 * @return the printable value
	 */
	static String printable(String value) {
		String shown = (value.length() > 80) ? value.substring(0, 80) + "..." : value;
		return shown.replaceAll("[^\\x20-\\x7e]", "?");
	}

}
