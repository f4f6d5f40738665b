package dev.chunkedupload.upload.write;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import dev.chunkedupload.storage.StorageException;

/**
 * The first {@code length} bytes of a stored object: the bytes its upload recorded, and a
 * storage fault if the object holds fewer.
 */
final class BoundedInputStream extends FilterInputStream {

	private final String name;

	private long remaining;

	BoundedInputStream(InputStream in, long length, String name) {
		super(in);
		this.remaining = length;
		this.name = name;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		if (this.remaining == 0) {
			return -1;
		}
		int n = super.read(buffer, offset, (int) Math.min(length, this.remaining));
		if (n < 0) {
			throw new StorageException("Partial upload " + this.name + " has fewer bytes stored than recorded");
		}
		this.remaining -= n;
		return n;
	}

}
