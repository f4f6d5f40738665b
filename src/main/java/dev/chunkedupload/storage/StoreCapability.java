package dev.chunkedupload.storage;

/**
 * What only some stores can do. The core asks {@link UploadStore#can} before it uses one
 * and has a way that works without it, so a store declares only what it really does: a
 * method of a capability the store lacks throws {@link UnsupportedOperationException}.
 */
public enum StoreCapability {

	/**
	 * {@link UploadStore#writeAt}: write into an unfinished upload at any position, with
	 * several writers on disjoint ranges at once (a file). Without it, chunks that arrive
	 * out of order are stored as objects of their own and joined at completion.
	 */
	WRITE_AT,

	/**
	 * {@link UploadStore#readUnfinished}: read the bytes of an upload that is not
	 * complete yet (a file; an S3 multipart upload cannot be read). Without it, the MD5
	 * of out-of-order chunks is carried over the chunks' own objects.
	 */
	READ_UNFINISHED,

	/**
	 * {@link UploadStore#concatenate}: append completed objects to an upload inside the
	 * store, without carrying their bytes through the server (copy_file_range, S3's
	 * UploadPartCopy). Without it, the core streams them.
	 */
	CONCATENATE,

	/**
	 * {@link UploadStore#move}: give a completed object another key atomically (a
	 * rename). Without it, the core copies the object and deletes the original.
	 */
	MOVE

}
