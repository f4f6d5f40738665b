package dev.chunkedupload.upload.model;

/**
 * A check that every new upload passes before its row or a byte of it is stored, in every
 * protocol (quotas, an application's pre-create hook). Beans of this type are asked in
 * their {@code @Order}; the first that refuses wins.
 */
public interface UploadAdmission {

	/**
	 * Let the upload be created, or refuse it.
	 * @param upload the upload about to be created
	 * @throws dev.chunkedupload.upload.error.UploadException (a subclass that says why)
	 * to refuse it; nothing of the upload exists yet, so nothing needs undoing
	 */
	void admit(NewUpload upload);

	/**
	 * How much more an upload that has not declared its length may grow, asked before
	 * each of its chunks (a query per chunk is fine here; without a quota it should cost
	 * nothing).
	 * @param upload the upload, its total length unknown, as loaded under its lease
	 * @return the bytes it may still grow by; {@link ByteAllowance#UNLIMITED} by default
	 */
	default ByteAllowance allowance(ChunkedUpload upload) {
		return ByteAllowance.UNLIMITED;
	}

}
