package dev.chunkedupload.web;

import java.util.Locale;

/**
 * Byte counts for people, in binary units as the upload page shows them.
 */
final class Sizes {

	private static final String[] UNITS = { "KiB", "MiB", "GiB", "TiB", "PiB" };

	private Sizes() {
	}

	static String human(long bytes) {
		if (bytes < 1024) {
			return bytes + ((bytes == 1) ? " byte" : " bytes");
		}
		double value = bytes;
		int unit = -1;
		while (value >= 1024 && unit < UNITS.length - 1) {
			value /= 1024;
			unit++;
		}
		return String.format(Locale.ROOT, (value < 10) ? "%.2f %s" : (value < 100) ? "%.1f %s" : "%.0f %s", value,
				UNITS[unit]);
	}

}
