package dev.chunkedupload.storage;

/**
 * Writes one piece of an upload into its store. Obtained from
 * {@link UploadStore#append(String, long)} or {@link UploadStore#writeAt(String, long)};
 * used by one thread.
 * <p>
 * Nothing written is promised to survive a crash until {@link #sync()} returns. A writer
 * closed without {@code sync()} may leave any prefix of its bytes behind; they count for
 * nothing, because the caller records only what a {@code sync()} covered, and the next
 * {@code append} at the recorded offset removes them.
 */
public interface PieceWriter extends AutoCloseable {

	/**
	 * Write bytes at the current position and advance it. May start writing earlier bytes
	 * to the device in the background so that the final {@link #sync()} has little left
	 * to do.
	 * @param buffer the bytes
	 * @param offset where they start in {@code buffer}
	 * @param length how many
	 * @throws StorageException on an I/O error
	 */
	void write(byte[] buffer, int offset, int length);

	/**
	 * Make everything written so far durable (when the store is configured to), waiting
	 * for any background write.
	 * @throws StorageException on an I/O error
	 */
	void sync();

	/**
	 * Record what {@link #sync()} made durable, for a store that keeps records of its own
	 * (an object store's part numbers and ETags). Called inside the transaction that
	 * records the upload's new offset, so that both commit or neither does; outside one,
	 * the store commits on its own. The file-system store keeps no records.
	 */
	default void record() {
	}

	/**
	 * Whether {@link #record()} writes anything: only then does the offset need a
	 * transaction to commit with it, and {@code record()} is not called otherwise, so a
	 * writer that overrides one overrides both.
	 * @return {@code false} for the file-system store
	 */
	default boolean keepsRecords() {
		return false;
	}

	/**
	 * The position the next byte goes to.
	 * @return the position
	 */
	long position();

	@Override
	void close();

}
