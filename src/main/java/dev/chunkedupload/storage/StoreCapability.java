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
	 * {@link UploadStore#concatenate} runs on the store's own servers (S3's
	 * UploadPartCopy): the bytes never travel between the instance and the store. That is
	 * cheaper than the core's own pass even where the core must read every byte anyway,
	 * for the MD5 of a tus concatenation, because it then only reads. A file system's
	 * copy_file_range has no such server: it reads and writes the same local disk that
	 * the core's single read-and-write pass would, plus the read for the MD5, so the
	 * file-system store does not declare this and assembles in one pass.
	 */
	SERVER_SIDE_COPY,

	/**
	 * {@link UploadStore#move}: give a completed object another key atomically (a
	 * rename). Without it, the core copies the object and deletes the original.
	 */
	MOVE

}
