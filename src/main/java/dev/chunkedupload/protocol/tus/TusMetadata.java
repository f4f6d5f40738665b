package dev.chunkedupload.protocol.tus;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.chunkedupload.upload.model.UploadDetails;

/**
 * The {@code Upload-Metadata} header: comma-separated pairs of a key and a Base64 value
 * separated by one space; the value, and then the space, may be left out. Parsed
 * strictly, so that what is stored and echoed on {@code HEAD} can never smuggle a header:
 * keys are printable ASCII without space or comma and unique, values are canonical Base64
 * (standard alphabet, with padding). Optional white space around each pair is allowed, as
 * in any HTTP list.
 *
 * @param raw the header as the client sent it, trimmed, to be echoed
 * @param values the decoded values by key, in the client's order
 */
record TusMetadata(String raw, Map<String, byte[]> values) {

	private static final Pattern KEY = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]+");

	private static final Pattern BASE64 = Pattern
		.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

	private static final Pattern MEDIA_TYPE = Pattern
		.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");

	static final TusMetadata NONE = new TusMetadata(null, Map.of());

	/**
	 * Parse the header.
	 * @param header the value, or {@code null} when the request has none
	 * @return the metadata ({@link #NONE} without a header)
	 * @throws TusRequestException (400) if the value is malformed
	 */
	static TusMetadata parse(String header) {
		return parse(header, UploadDetails.MAX_METADATA_LENGTH);
	}

	/**
	 * Parse the header, refusing it past a length.
	 * @param header the value, or {@code null} when the request has none
	 * @param maxLength the most characters accepted (at most
	 * {@link UploadDetails#MAX_METADATA_LENGTH})
	 * @return the metadata ({@link #NONE} without a header)
	 * @throws TusRequestException (400) if the value is malformed or too long
	 */
	static TusMetadata parse(String header, int maxLength) {
		if (header == null) {
			return NONE;
		}
		String raw = trimOws(header);
		if (raw.isEmpty()) {
			throw invalid("it is empty; leave the header out instead");
		}
		if (raw.length() > Math.min(maxLength, UploadDetails.MAX_METADATA_LENGTH)) {
			throw invalid(
					"it is longer than " + Math.min(maxLength, UploadDetails.MAX_METADATA_LENGTH) + " characters");
		}
		Map<String, byte[]> values = new LinkedHashMap<>();
		for (String element : raw.split(",", -1)) {
			String pair = trimOws(element);
			if (pair.isEmpty()) {
				throw invalid("it has an empty pair");
			}
			int space = pair.indexOf(' ');
			String key = (space < 0) ? pair : pair.substring(0, space);
			String value = (space < 0) ? "" : pair.substring(space + 1);
			if (!KEY.matcher(key).matches()) {
				throw invalid(
						"key '" + TusHeaders.printable(key, 40) + "' is not printable ASCII without spaces and commas");
			}
			if (!BASE64.matcher(value).matches()) {
				throw invalid("the value of '" + key + "' is not Base64");
			}
			if (values.put(key, Base64.getDecoder().decode(value)) != null) {
				throw invalid("key '" + key + "' appears twice");
			}
		}
		return new TusMetadata(raw, Collections.unmodifiableMap(values));
	}

	/**
	 * A value as UTF-8 text.
	 * @param key the key
	 * @return the text, if the key is present
	 * @throws TusRequestException (400) if the value is not UTF-8
	 */
	Optional<String> text(String key) {
		byte[] value = this.values.get(key);
		if (value == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(value))
				.toString());
		}
		catch (CharacterCodingException ex) {
			throw invalid("the value of '" + key + "' is not UTF-8 text");
		}
	}

	/**
	 * The file name: {@code filename} (tus-js-client's examples, Uppy), else
	 * {@code name}. The core sanitises it.
	 * @return the name, or {@code null}
	 */
	String filename() {
		return text("filename").or(() -> text("name")).orElse(null);
	}

	/**
	 * The media type from {@code filetype} (else {@code type}), reduced to a lower-case
	 * {@code type/subtype} without parameters; anything else (a browser sends an empty
	 * type for unknown files) counts as none rather than failing the upload.
	 * @return the media type, or {@code null}
	 */
	String filetype() {
		String type = text("filetype").or(() -> text("type")).orElse(null);
		if (type == null) {
			return null;
		}
		int semicolon = type.indexOf(';');
		String essence = ((semicolon >= 0) ? type.substring(0, semicolon) : type).strip().toLowerCase(Locale.ROOT);
		return MEDIA_TYPE.matcher(essence).matches() ? essence : null;
	}

	/** Only HTTP's optional white space, so nothing else can end up in the echo. */
	private static String trimOws(String value) {
		int start = 0;
		int end = value.length();
		while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
			start++;
		}
		while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
			end--;
		}
		return value.substring(start, end);
	}

	private static TusRequestException invalid(String why) {
		return TusRequestException.badRequest("invalid-metadata", "Upload-Metadata is malformed: " + why);
	}

}
