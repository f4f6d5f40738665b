package dev.chunkedupload.integration;

/**
 * Text that came from another system (a receiver's error, a hook's refusal), made safe to
 * show and store: control and bidi-format characters become spaces, runs of blanks one
 * space, and the length is bounded.
 */
final class Sanitised {

	private Sanitised() {
	}

	/**
	 * @param text what the other system said
	 * @param max the most characters kept
	 * @return the cleaned text, possibly empty
	 */
	static String text(String text, int max) {
		StringBuilder clean = new StringBuilder(Math.min(text.length(), max));
		for (int i = 0; i < text.length() && clean.length() < max; i++) {
			char c = text.charAt(i);
			boolean blank = Character.isISOControl(c) || Character.isWhitespace(c)
					|| Character.getType(c) == Character.FORMAT;
			if (blank) {
				if (clean.length() > 0 && clean.charAt(clean.length() - 1) != ' ') {
					clean.append(' ');
				}
			}
			else {
				clean.append(c);
			}
		}
		String result = clean.toString().strip();
		// Never end on half of a surrogate pair.
		if (!result.isEmpty() && Character.isHighSurrogate(result.charAt(result.length() - 1))) {
			result = result.substring(0, result.length() - 1);
		}
		return result;
	}

}
