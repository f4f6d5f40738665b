package dev.chunkedupload.upload.write;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Streams over several stored objects.
 */
final class StoredStreams {

	private StoredStreams() {
	}

	/**
	 * One stream over several, each opened only when the one before is used up, so a file
	 * of many chunks does not hold a descriptor per chunk.
	 */
	static <T> InputStream sequence(List<T> items, Function<T, InputStream> opener) {
		Iterator<T> iterator = items.iterator();
		return new SequenceInputStream(new Enumeration<InputStream>() {

			@Override
			public boolean hasMoreElements() {
				return iterator.hasNext();
			}

			@Override
			public InputStream nextElement() {
				return opener.apply(iterator.next());
			}

		});
	}

}
