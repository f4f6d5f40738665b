package dev.chunkedupload.upload.model;

import java.text.Normalizer;

/**
 * A client's file name made safe to store and to show: the last path segment only, no
 * control or quote characters, at most {@value #MAX_LENGTH} characters. It is only ever
 * used for display and {@code Content-Disposition}; stored files are named by upload id.
 */
public final class SafeFileName {

	static final int MAX_LENGTH = 255;

	static final String FALLBACK = "upload";

	private SafeFileName() {
	}

	/**
	 * Sanitise a client-supplied file name.
	 * @param raw the name as the client sent it, possibly {@code null}
	 * @return a non-empty safe name
	 */
	public static String of(String raw) {
		if (raw == null) {
			return FALLBACK;
		}
		String name = Normalizer.normalize(raw, Normalizer.Form.NFC);
		int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
		name = name.substring(slash + 1);
		StringBuilder clean = new StringBuilder(name.length());
		name.codePoints()
			.filter((cp) -> !Character.isISOControl(cp) && cp != '"' && cp != '\u2028' && cp != '\u2029'
					&& Character.getType(cp) != Character.FORMAT)
			.forEach(clean::appendCodePoint);
		name = clean.toString().strip();
		while (name.startsWith(".")) {
			name = name.substring(1);
		}
		name = name.strip();
		if (name.isEmpty()) {
			return FALLBACK;
		}
		if (name.length() > MAX_LENGTH) {
			int dot = name.lastIndexOf('.');
			String extension = (dot > 0 && name.length() - dot <= 16) ? name.substring(dot) : "";
			int cut = MAX_LENGTH - extension.length();
			if (Character.isHighSurrogate(name.charAt(cut - 1))) {
				cut--;
			}
			name = name.substring(0, cut) + extension;
		}
		return name;
	}

}
