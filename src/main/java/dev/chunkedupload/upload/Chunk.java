package dev.chunkedupload.upload;

/**
 * What a client says about the bytes it is about to send to a sequential upload.
 *
 * @param offset where the bytes start in the file
 * @param length how many bytes follow, or {@code null} when the client did not say (the
 * bytes end with the request body)
 * @param total the file's total length as stated with this chunk, or {@code null}
 * @param last whether these are the file's final bytes (fixes an unknown total)
 * @param keepPartial whether bytes that arrived before the client stopped sending are
 * kept (tus) or the whole chunk is discarded (django-chunked-upload)
 */
public record Chunk(long offset, Long length, Long total, boolean last, boolean keepPartial) {

	public Chunk {
		if (offset < 0 || (length != null && length < 0) || (total != null && total < 0)) {
			throw new InvalidUploadRequestException("Offsets and lengths cannot be negative");
		}
	}

	long end() {
		return this.offset + this.length;
	}

}
