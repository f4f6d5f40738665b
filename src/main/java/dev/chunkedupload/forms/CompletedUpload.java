package dev.chunkedupload.forms;

/**
 * A file the caller uploaded in chunks beforehand, as a form property: bound from the
 * upload id the form submits, looked up for the caller at binding time. Binding never
 * fails for a non-blank id; what is wrong with it (not the caller's, still uploading,
 * already attached) is kept in {@link #state()} and reported by {@link Attachable} as a
 * field error, so a form shows it like any other validation message, and a form that
 * comes back for another reason keeps a good upload instead of asking for it again.
 * <p>
 * {@link #toString()} is the upload id, which is what a form field shows.
 *
 * @param id the upload id as submitted
 * @param filename the sanitised file name, if the upload was found
 * @param size the file size in bytes, if known
 * @param md5 the file's MD5, if complete
 * @param state what binding found
 */
public record CompletedUpload(String id, String filename, long size, String md5, State state) {

	static CompletedUpload notFound(String id) {
		return new CompletedUpload(id, null, 0, null, State.NOT_FOUND);
	}

	/**
	 * Whether the upload can be attached to a record.
	 * @return {@code true} if it is the caller's, complete and not attached
	 */
	public boolean isAttachable() {
		return this.state == State.ATTACHABLE;
	}

	@Override
	public String toString() {
		return this.id;
	}

	/** What binding found for an upload id. */
	public enum State {

		/** The caller's, complete, and no record has it yet. */
		ATTACHABLE,

		/** No such upload of the caller's (or it was deleted). */
		NOT_FOUND,

		/** The upload has not received all its bytes (or expired before it did). */
		INCOMPLETE,

		/** Another record has it already. */
		ATTACHED

	}

}
