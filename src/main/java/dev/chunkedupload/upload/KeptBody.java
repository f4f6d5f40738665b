package dev.chunkedupload.upload;

import java.io.IOException;
import java.io.InputStream;

import dev.chunkedupload.upload.error.ChunkInterruptedException;

/**
 * A request body of which every byte that arrives is kept (tus, Resumable Uploads for
 * HTTP), as the core reads it.
 * <p>
 * A body that breaks off (the client disconnects, or stalls past the read timeout) simply
 * ends here, so that the core writes, syncs and records every byte that did arrive (tus:
 * "store as much of the received data as possible"; the draft: the client asks for the
 * offset and sends only the rest), and the adapter can still answer the part it took.
 * Whether the body broke is asked afterwards with {@link #interrupted()} or
 * {@link #requireWhole()}.
 * <p>
 * As a {@link LongBody} it goes to the core in pieces: {@link #limit} makes the next
 * reads end after so many bytes, and {@link #hasMore} looks one byte ahead.
 */
public final class KeptBody extends InputStream implements LongBody {

	private final InputStream in;

	private IOException failure;

	private long remaining = Long.MAX_VALUE;

	private int peeked = -1;

	private long received;

	public KeptBody(InputStream in) {
		this.in = in;
	}

	/**
	 * Let at most {@code bytes} more bytes be read before reads report the end.
	 * @param bytes the limit
	 * @return this body
	 */
	public KeptBody limit(long bytes) {
		this.remaining = bytes;
		return this;
	}

	/**
	 * Whether bytes are left beyond the current limit: reads one byte ahead.
	 * @return {@code true} if the body neither ended nor broke
	 */
	public boolean hasMore() {
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

	/**
	 * Whether the body broke off before its end.
	 * @return {@code true} if reading failed
	 */
	public boolean interrupted() {
		return this.failure != null;
	}

	public IOException failure() {
		return this.failure;
	}

	/**
	 * The bytes read so far.
	 * @return the count
	 */
	public long received() {
		return this.received;
	}

	@Override
	public InputStream nextPiece(long maxBytes) {
		return limit(maxBytes);
	}

	@Override
	public boolean hasMorePieces() {
		return hasMore();
	}

	/**
	 * After the bytes that arrived are stored: report a body that broke off. The client
	 * is gone, so this mostly ends the request and says so in the log.
	 * @throws ChunkInterruptedException if the body broke off
	 */
	public void requireWhole() {
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
