package dev.chunkedupload.upload.hash;

import org.slf4j.LoggerFactory;

/**
 * The MD5 of an upload, carried from chunk to chunk: fed in order, its state saved with
 * every recorded offset and restored for the next chunk, possibly in another process.
 * <p>
 * Two implementations share one state format: {@link JdkMd5}, the JDK's own MD5 (its
 * compression function is a HotSpot intrinsic, about a third faster here) reached through
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}, which the packaged
 * jar, {@code spring-boot:run} and the tests set; and {@link ResumableMd5}, plain Java,
 * used when the JVM does not allow that.
 */
public interface RunningMd5 {

	/**
	 * Hash more bytes.
	 * @param input the bytes
	 * @param offset where they start
	 * @param length how many
	 */
	void update(byte[] input, int offset, int length);

	/**
	 * The state after every byte so far, for {@link #restore(byte[])}.
	 * @return the encoded state
	 */
	byte[] saveState();

	/**
	 * The number of bytes hashed so far.
	 * @return the count
	 */
	long length();

	/**
	 * Continue from a saved state with the fastest implementation this JVM allows.
	 * @param state a state from {@link #saveState()}, or {@code null} to start afresh
	 * @return the running digest
	 */
	static RunningMd5 restore(byte[] state) {
		return JdkMd5.AVAILABLE ? JdkMd5.restore(state) : ResumableMd5.restore(state);
	}

	/**
	 * The hex digest of a saved state.
	 * @param state a saved state
	 * @return 32 lower-case hex digits
	 */
	static String hexDigest(byte[] state) {
		return ResumableMd5.restore(state).hexDigest();
	}

	/** Says once, at start-up, which implementation hashes uploads. */
	static void logImplementation() {
		LoggerFactory.getLogger(RunningMd5.class)
			.info(JdkMd5.AVAILABLE ? "Hashing uploads with the JDK's MD5"
					: "Hashing uploads with the plain-Java MD5; start the JVM with --add-opens "
							+ "java.base/sun.security.provider=ALL-UNNAMED for the faster JDK one");
	}

}
