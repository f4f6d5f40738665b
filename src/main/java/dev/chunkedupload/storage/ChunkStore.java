package dev.chunkedupload.storage;

import java.io.InputStream;

/**
 * Byte storage for uploads, addressed by keys that the upload core derives from upload
 * ids and dates, never from client strings.
 * <p>
 * Callers serialise writers: the store assumes that at most one {@link ChunkWriter} per
 * key is open at a time (the upload core holds a lease while it writes) and performs no
 * offset checks of its own beyond those documented on each method.
 */
public interface ChunkStore {

	/**
	 * Open the object at {@code key} for appending at {@code offset}, creating it when it
	 * does not exist. Bytes past {@code offset} (left by a writer that died before its
	 * offset was recorded) are cut off first, so the object holds exactly the
	 * acknowledged bytes when the writer starts.
	 * @param key the object key
	 * @param offset the recorded offset, where writing starts
	 * @return a writer positioned at {@code offset}; the caller closes it
	 * @throws StorageException if the object is shorter than {@code offset} (acknowledged
	 * bytes were lost) or cannot be opened
	 */
	ChunkWriter openForAppend(String key, long offset);

	/**
	 * The current size of the object.
	 * @param key the object key
	 * @return the size in bytes
	 * @throws StoredObjectNotFoundException if there is no such object
	 */
	long size(String key);

	/**
	 * Whether an object exists.
	 * @param key the object key
	 * @return {@code true} if it exists
	 */
	boolean exists(String key);

	/**
	 * Move a finished object to its final key atomically: readers see either no object at
	 * {@code target} or the whole of it. Repeating a promotion that already happened
	 * (source gone, target present) succeeds, so a crash between the move and the
	 * database update can be retried.
	 * @param source the partial object's key
	 * @param target the final key
	 * @throws StoredObjectNotFoundException if neither source nor target exists
	 */
	void promote(String source, String target);

	/**
	 * Open an object for reading.
	 * @param key the object key
	 * @return the bytes of the object
	 * @throws StoredObjectNotFoundException if there is no such object
	 */
	StoredObject open(String key);

	/**
	 * Delete an object. Deleting a missing object does nothing.
	 * @param key the object key
	 */
	void delete(String key);

	/**
	 * A stored object opened for reading.
	 *
	 * @param size its length in bytes
	 * @param content opens a stream positioned at a given byte
	 */
	record StoredObject(long size, ContentOpener content) {

		public InputStream openStream(long position) {
			return this.content.open(position);
		}

	}

	/** Opens the content of a stored object at a byte position. */
	@FunctionalInterface
	interface ContentOpener {

		InputStream open(long position);

	}

}
