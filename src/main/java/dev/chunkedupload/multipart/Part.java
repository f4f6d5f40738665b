package dev.chunkedupload.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One part of a multipart body: its name, file name and media type from its headers, and
 * its bytes as a stream that ends where the part ends. The stream reads from the body
 * itself, so it is valid until the reader moves to the next part.
 */
public final class Part {

	private final String name;

	private final String filename;

	private final String contentType;

	private final InputStream body;

	Part(String name, String filename, String contentType, InputStream body) {
		this.name = name;
		this.filename = filename;
		this.contentType = contentType;
		this.body = body;
	}

	/** The form field's name, or {@code null} if the part has none. */
	public String name() {
		return this.name;
	}

	/** The file name as the client sent it (not sanitised), or {@code null}. */
	public String filename() {
		return this.filename;
	}

	/** The part's media type, or {@code null} if it states none. */
	public String contentType() {
		return this.contentType;
	}

	/** A part with a file name is a file; one without is a plain form field. */
	public boolean isFile() {
		return this.filename != null;
	}

	/** Whether this part is the form field {@code name}. */
	public boolean isNamed(String name) {
		return name.equals(this.name);
	}

	/** The part's bytes, from where they were read so far to the part's end. */
	public InputStream body() {
		return this.body;
	}

	/**
	 * The part's bytes as UTF-8 text with surrounding white space removed, or
	 * {@code null} if they are longer than {@code maxBytes}.
	 */
	public String text(int maxBytes) throws IOException {
		byte[] value = this.body.readNBytes(maxBytes + 1);
		if (value.length > maxBytes) {
			return null;
		}
		return new String(value, StandardCharsets.UTF_8).strip();
	}

	@Override
	public String toString() {
		return "Part[" + this.name + ((this.filename != null) ? ", file " + this.filename : "")
				+ ((this.contentType != null) ? ", " + this.contentType.toLowerCase(Locale.ROOT) : "") + "]";
	}

}
