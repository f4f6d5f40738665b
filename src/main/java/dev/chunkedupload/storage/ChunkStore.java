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
	 * Create an empty object at {@code key} if there is none, durably (its directory
	 * entry is flushed with {@code fsync} on). Used for uploads whose chunks are written
	 * at their positions with {@link #openAt}, which never creates an object.
	 * @param key the object key
	 * @throws StorageException if it cannot be created
	 */
	void create(String key);

	/**
	 * Open an existing object for writing at {@code position}, for chunks that arrive out
	 * of order: nothing is cut off and nothing is created. Several writers may have the
	 * same object open at once as long as their byte ranges do not overlap; the caller
	 * makes sure of that (the upload core claims each chunk number before it writes) and
	 * records a chunk only after {@link ChunkWriter#sync()}. A writer that fails leaves
	 * whatever prefix of its range it wrote; the range is simply written again by the
	 * next claimant.
	 * @param key the object key
	 * @param position where the first byte goes; may be past the current end (the gap
	 * reads as zeros until filled)
	 * @return a writer positioned at {@code position}; the caller closes it
	 * @throws StoredObjectNotFoundException if the object does not exist (it was deleted
	 * with its upload)
	 * @throws StorageException if it cannot be opened
	 */
	ChunkWriter openAt(String key, long position);

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
