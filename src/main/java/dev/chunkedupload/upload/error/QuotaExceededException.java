package dev.chunkedupload.upload.error;

/**
 * The upload, or the chunk that would grow it, would take its owner past one of their
 * quotas; nothing of it was stored.
 */
public class QuotaExceededException extends UploadException {

	/** Which quota a refusal names, as clients read it in the problem's {@code quota}. */
	public enum Quota {

		/** Stored bytes plus the declared bytes of uploads in progress. */
		BYTES("max-bytes-per-user"),

		/** Uploads in progress. */
		INCOMPLETE_UPLOADS("max-incomplete-uploads-per-user");

		private final String property;

		Quota(String property) {
			this.property = property;
		}

		/**
		 * The setting under {@code chunked-upload.quota} that sets this quota, also the
		 * name clients see.
		 * @return the property's name
		 */
		public String property() {
			return this.property;
		}

	}

	private final Quota quota;

	private final long limit;

	public QuotaExceededException(Quota quota, long limit, String message) {
		super(message);
		this.quota = quota;
		this.limit = limit;
	}

	public Quota getQuota() {
		return this.quota;
	}

	public long getLimit() {
		return this.limit;
	}

}
