package dev.chunkedupload.upload.write;

/**
 * A test hook, off in production: a test that starts the server in a JVM of its own with
 * {@code -Dchunked-upload.test.crash-at=<step>} has that JVM halted (as by
 * {@code kill -9}: no shutdown hook, no finally block) when it reaches the named step, so
 * that the recovery from a crash at exactly that step can be tested. Without the system
 * property, {@link #reach} compares one string with {@code null} and returns.
 * <p>
 * Steps: {@code complete.recorded} (every byte and the MD5 recorded, nothing moved yet),
 * {@code complete.moved} (the store completed the upload into its final key; the status
 * is not written yet).
 */
public final class CrashPoints {

	private static final String CRASH_AT = System.getProperty("chunked-upload.test.crash-at");

	private CrashPoints() {
	}

	/**
	 * Halt the JVM if a test asked for a crash at this step.
	 * @param step the step's name
	 */
	public static void reach(String step) {
		if (step.equals(CRASH_AT)) {
			Runtime.getRuntime().halt(137);
		}
	}

}
