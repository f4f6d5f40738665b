package dev.chunkedupload.protocol.rufh;

import java.io.IOException;
import java.io.InputStream;

import dev.chunkedupload.upload.LongBody;
import dev.chunkedupload.upload.error.ChunkInterruptedException;

/**
 * The bytes of a creation or append request on their way to the core, in pieces of at
 * most the chunk limit.
 * <p>
 * A body that breaks off (the client disconnects, or stalls past the read timeout) simply
 * ends here, so that the core writes, syncs and records every byte that did arrive: the
 * point of the protocol is that the client asks for the offset and sends only the rest.
 * Whether the body broke is asked afterwards with {@link #requireWhole()}.
 */
final class RufhBody extends InputStream implements LongBody {

	private final InputStream in;

	private IOException failure;

	private long remaining = Long.MAX_VALUE;

	private int peeked = -1;

	private long received;

	RufhBody(InputStream in) {
		this.in = in;
	}

	@Override
	public InputStream nextPiece(long maxPiece) {
		this.remaining = maxPiece;
		return this;
	}

	/**
	 * Looks one byte ahead, so that a body ending exactly at a piece's end is noticed.
	 */
	@Override
	public boolean hasMorePieces() {
		if (this.peeked >= 0) {
			return true;
		}
		if (this.failure != null) {
			return false;
		}
		try {
			this.peeked = this.in.read();
			return this.peeked >= 0;
		}
		catch (IOException ex) {
			this.failure = ex;
			return false;
		}
	}

	long received() {
		return this.received;
	}

	/**
	 * After the bytes that arrived are stored: report a body that broke off. The client
	 * is gone, so this mostly ends the request and says so in the log.
	 */
	void requireWhole() {
		if (this.failure != null) {
			throw new ChunkInterruptedException("The request body broke off after " + this.received
					+ " bytes; they are stored and the upload continues from there", this.failure);
		}
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] buffer, int offset, int length) {
		if (length == 0) {
			return 0;
		}
		if (this.remaining <= 0) {
			return -1;
		}
		int wanted = (int) Math.min(length, this.remaining);
		int n = 0;
		if (this.peeked >= 0) {
			buffer[offset] = (byte) this.peeked;
			this.peeked = -1;
			n = 1;
		}
		if (n < wanted && this.failure == null) {
			try {
				int more = this.in.read(buffer, offset + n, wanted - n);
				if (more > 0) {
					n += more;
				}
			}
			catch (IOException ex) {
				this.failure = ex;
			}
		}
		if (n == 0) {
			return -1;
		}
		this.remaining -= n;
		this.received += n;
		return n;
	}

}
