package dev.chunkedupload.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the bytes of uploads live, shaped like an upload session as tusd's
 * {@code DataStore} is: an upload is begun, takes pieces, and is completed into a final
 * object (or aborted); completed objects are read by range and deleted. Keys are derived
 * by the core from upload ids and dates, never from client strings.
 * <p>
 * Every store can do the operations without a capability note. What only some can do
 * (write in place, read an unfinished upload, concatenate inside the store, rename) is a
 * {@link StoreCapability} that the core asks for with {@link #can} before it uses it.
 * <p>
 * The store keeps no lock and checks no offset of its own: the core holds the upload's
 * lease while it writes, tells the store the acknowledged offset, and records a piece
 * only after {@link PieceWriter#sync()}. "Not found" throws
 * {@link StoredObjectNotFoundException}; nothing returns {@code null}.
 */
public interface UploadStore {

	/**
	 * What this store can do beyond the operations every store has.
	 * @return its capabilities
	 */
	Set<StoreCapability> capabilities();

	/**
	 * Whether the store has a capability.
	 * @param capability the capability
	 * @return {@code true} if it does
	 */
	default boolean can(StoreCapability capability) {
		return capabilities().contains(capability);
	}

	/**
	 * The key an upload's bytes have while it is incomplete. A file system writes them
	 * apart and renames them at completion; an object store cannot rename, so it writes
	 * them where the completed object will be (an S3 multipart upload completes straight
	 * to its key).
	 * @param partialKey the key of the upload's incomplete bytes by the configured
	 * pattern
	 * @param finalKey the key the completed object will have
	 * @return the key to pass to {@link #begin}, {@link #append} and {@link #complete}
	 */
	default String sessionKey(String partialKey, String finalKey) {
		return partialKey;
	}

	/**
	 * Begin an upload under {@code key}, empty and durable when this returns. Beginning
	 * one that exists keeps its bytes.
	 * @param key the upload's key
	 * @throws StorageException if it cannot be begun
	 */
	void begin(String key);

	/**
	 * Open an upload for its next piece, at the end of its acknowledged bytes. Bytes past
	 * {@code offset} (left by a writer that died before its offset was recorded) are
	 * discarded first. An upload that was never begun is begun when {@code offset} is 0.
	 * @param key the upload's key
	 * @param offset the acknowledged length, where writing starts
	 * @return a writer at {@code offset}; the caller closes it
	 * @throws StorageException if fewer than {@code offset} bytes are stored
	 * (acknowledged bytes were lost) or it cannot be opened
	 */
	PieceWriter append(String key, long offset);

	/**
	 * Discard the bytes of an unfinished upload past its acknowledged length now, rather
	 * than at the next {@link #append}, after a refused piece.
	 * @param key the upload's key
	 * @param offset the acknowledged length
	 * @throws StorageException if that fails; nothing acknowledged is lost either way
	 */
	void discardAfter(String key, long offset);

	/**
	 * {@link StoreCapability#WRITE_AT}: open a begun upload for writing at
	 * {@code position}, for chunks that arrive out of order. Nothing is cut off and
	 * nothing is created. Several writers may write at once as long as their ranges do
	 * not overlap (the core claims each chunk before it writes). A writer that fails
	 * leaves whatever prefix of its range it wrote; the range is written again by the
	 * next claimant.
	 * @param key the upload's key
	 * @param position where the first byte goes; may be past the current end
	 * @return a writer at {@code position}; the caller closes it
	 * @throws StoredObjectNotFoundException if the upload was not begun or is gone
	 */
	PieceWriter writeAt(String key, long position);

	/**
	 * {@link StoreCapability#READ_UNFINISHED}: read the bytes of an upload that is not
	 * complete yet.
	 * @param key the upload's key
	 * @param position the first byte to read
	 * @return the bytes from {@code position} to the current end; the caller closes it
	 * @throws StoredObjectNotFoundException if there is no such upload
	 */
	InputStream readUnfinished(String key, long position);

	/**
	 * {@link StoreCapability#CONCATENATE}: append completed objects, in order, to an
	 * unfinished upload inside the store, and make them durable (and recorded, for a
	 * store with records: nothing is left for {@link PieceWriter#record()}).
	 * @param key the upload's key
	 * @param offset its acknowledged length, where the first object goes (bytes past it
	 * are discarded first)
	 * @param sources the keys of completed objects
	 * @return the upload's length after them
	 * @throws StoredObjectNotFoundException if a source is missing
	 * @throws UnsupportedOperationException if the store cannot join objects of these
	 * sizes at this offset ({@link #canConcatenate})
	 */
	long concatenate(String key, long offset, List<String> sources);

	/**
	 * Whether {@link #concatenate} joins completed objects of these sizes at this offset.
	 * A store may declare {@link StoreCapability#CONCATENATE} for some sizes only (S3
	 * copies parts of at least 5 MiB but the last); the core asks before it concatenates
	 * and streams the bytes itself otherwise.
	 * @param offset where the first object would go
	 * @param sizes the sizes of the objects, in order
	 * @return {@code true} if {@link #concatenate} takes them
	 */
	default boolean canConcatenate(long offset, List<Long> sizes) {
		return can(StoreCapability.CONCATENATE);
	}

	/**
	 * Complete an upload: its first {@code length} bytes become the object at
	 * {@code finalKey}, atomically (readers see no object or all of it), and the upload
	 * is gone. Completing again after a crash (upload gone, object present) succeeds, so
	 * a completion that died before the database heard of it is simply retried.
	 * {@code finalKey} may equal {@code key}.
	 * @param key the upload's key
	 * @param length the acknowledged length; bytes past it are not part of the object
	 * @param finalKey the completed object's key
	 * @throws StoredObjectNotFoundException if neither the upload nor the object exists
	 * @throws StorageException if fewer than {@code length} bytes are stored
	 */
	void complete(String key, long length, String finalKey);

	/**
	 * Give up an unfinished upload and its bytes. Aborting a missing upload does nothing.
	 * @param key the upload's key
	 */
	void abort(String key);

	/**
	 * Open a completed object for reading from any position.
	 * @param key the object's key
	 * @return the object
	 * @throws StoredObjectNotFoundException if there is no such object
	 */
	StoredObject open(String key);

	/**
	 * Where a client may download a completed object straight from the store for a short
	 * while (an S3 presigned URL), so large downloads bypass the instances; empty to
	 * stream it through the server, as a file system does.
	 * @param key the object's key
	 * @param filename the name the download should be saved as
	 * @param contentType the media type to answer with, or {@code null}
	 * @return the URL, if the store gives one
	 */
	default Optional<URI> downloadUrl(String key, String filename, String contentType) {
		return Optional.empty();
	}

	/**
	 * Delete a completed object. Deleting a missing object does nothing.
	 * @param key the object's key
	 */
	void delete(String key);

	/**
	 * {@link StoreCapability#MOVE}: give a completed object another key atomically.
	 * Repeating a move that already happened (source gone, target present) succeeds.
	 * @param source the object's key
	 * @param target its new key
	 * @throws StoredObjectNotFoundException if neither exists
	 */
	void move(String source, String target);

	/**
	 * Remove what writers that died left behind and no record of the store knows (an S3
	 * multipart upload created by an instance killed before it recorded it, a staged tail
	 * never recorded), once it is older than {@code olderThan}. Safe to run on several
	 * instances at once. The file-system store leaves nothing behind that its records do
	 * not know.
	 * @param olderThan leave alone what started after this
	 * @return how many things were removed
	 */
	default int sweepOrphans(Instant olderThan) {
		return 0;
	}

	/**
	 * How many bytes are stored under a key, for an unfinished upload or a completed
	 * object. For checks and tests, not for the write path, which trusts its records.
	 * @param key the key
	 * @return the size in bytes
	 * @throws StoredObjectNotFoundException if nothing is stored under it
	 */
	long size(String key);

	/**
	 * Whether anything is stored under a key, an unfinished upload or a completed object.
	 * @param key the key
	 * @return {@code true} if so
	 */
	boolean exists(String key);

}
