package dev.chunkedupload.storage;

import java.io.InputStream;

/**
 * A completed object opened for reading.
 *
 * @param size its length in bytes
 * @param content opens a stream positioned at a given byte
 */
public record StoredObject(long size, ContentOpener content) {

	/**
	 * A stream of the object's bytes from a position to its end.
	 * @param position the first byte
	 * @return the stream; the caller closes it
	 * @throws StoredObjectNotFoundException if the object was deleted meanwhile
	 */
	public InputStream openStream(long position) {
		return this.content.open(position);
	}

	/** Opens the content of a stored object at a byte position. */
	@FunctionalInterface
	public interface ContentOpener {

		InputStream open(long position);

	}

}
