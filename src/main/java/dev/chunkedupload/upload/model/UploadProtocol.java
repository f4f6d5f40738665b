package dev.chunkedupload.upload.model;

/**
 * The wire protocol an upload was created with. A label for listings and statistics; the
 * core treats all uploads alike.
 */
public enum UploadProtocol {

	/** django-chunked-upload: Content-Range chunks and a completion request. */
	CHUNKED,

	/** resumable.js and flow.js: numbered chunks in any order. */
	RESUMABLE,

	/** tus 1.0. */
	TUS,

	/**
	 * Resumable Uploads for HTTP, the IETF draft (URLSession, tus-js-client's ietf-draft
	 * modes).
	 */
	RUFH

}
