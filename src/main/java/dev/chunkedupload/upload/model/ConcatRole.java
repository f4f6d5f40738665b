package dev.chunkedupload.upload.model;

/**
 * The part an upload plays in a concatenation (tus's concatenation extension, which
 * tus-js-client uses for parallel uploads of one file).
 */
public enum ConcatRole {

	/** A piece of a file, uploaded on its own, to be joined into a final upload. */
	PARTIAL,

	/**
	 * An upload whose bytes are its partial uploads joined in order; it takes no bytes of
	 * its own.
	 */
	FINAL

}
