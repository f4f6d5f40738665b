package dev.chunkedupload.upload;

import java.io.InputStream;

/**
 * A request body that may be longer than the core takes as one chunk, handed over piece
 * by piece (tus clients send the rest of a file in one request). The adapter decides what
 * a piece is: at most the given size of the body, or all of it when a checksum covers the
 * whole body and must be verified in one piece.
 */
public interface LongBody {

	/**
	 * The next piece.
	 * @param maxBytes the most the core takes as one chunk
	 * @return a stream that ends after the piece
	 */
	InputStream nextPiece(long maxBytes);

	/**
	 * Whether bytes are left after the pieces taken so far.
	 * @return {@code true} if another piece follows
	 */
	boolean hasMorePieces();

}
