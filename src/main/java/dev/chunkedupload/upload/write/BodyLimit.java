package dev.chunkedupload.upload.write;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.error.ChunkTooLargeException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadTooLargeException;
import dev.chunkedupload.upload.model.ByteAllowance;
import dev.chunkedupload.upload.model.Chunk;

/**
 * What a body may deliver, checked by {@link WritePipeline} while the bytes stream, so no
 * lie in a header gets around a limit and nothing past one is written.
 */
public interface BodyLimit {

	/** No limit beyond what the source holds. */
	BodyLimit NONE = (received) -> {
	};

	/**
	 * Refuse a body that has grown past what is allowed.
	 * @param received how many bytes arrived so far, counting the buffer about to be
	 * written
	 * @throws RuntimeException the core's exception that names the limit
	 */
	void checkReceived(long received);

	/**
	 * Refuse a body that ended too early.
	 * @param received how many bytes arrived in all
	 */
	default void checkEnded(long received) {
	}

	/**
	 * Every limit on a sequential chunk, enforced while it streams.
	 */
	static BodyLimit forChunk(Chunk chunk, Long total, long start, long maxChunk, long maxBytes,
			ByteAllowance allowance) {
		return new BodyLimit() {

			@Override
			public void checkReceived(long received) {
				if (chunk.length() != null && received > chunk.length()) {
					throw new LengthMismatchException(
							"The chunk is longer than its range says (" + chunk.length() + " bytes)");
				}
				if (received > maxChunk) {
					throw new ChunkTooLargeException(maxChunk);
				}
				if (total != null && start + received > total) {
					throw new LengthMismatchException("Bytes past the upload's total length of " + total + " bytes");
				}
				if (start + received > maxBytes) {
					throw new UploadTooLargeException(maxBytes);
				}
				allowance.check(received);
			}

			@Override
			public void checkEnded(long received) {
				if (chunk.length() != null && received != chunk.length()) {
					throw new LengthMismatchException(
							"The chunk has " + received + " bytes but its range says " + chunk.length());
				}
			}

		};
	}

	/** A numbered chunk must have exactly its stated length. */
	static BodyLimit exactly(long expected) {
		return new BodyLimit() {

			@Override
			public void checkReceived(long received) {
				if (received > expected) {
					throw new LengthMismatchException("The chunk is longer than its stated " + expected + " bytes");
				}
			}

			@Override
			public void checkEnded(long received) {
				if (received != expected) {
					throw new LengthMismatchException(
							"The chunk has " + received + " bytes but its stated size is " + expected);
				}
			}

		};
	}

	/**
	 * Stored bytes must be exactly as long as recorded; anything else is a storage fault.
	 */
	static BodyLimit stored(String key, long expected) {
		return new BodyLimit() {

			@Override
			public void checkReceived(long received) {
				if (received > expected) {
					throw new StorageException(
							"Stored object " + key + " holds more than the " + expected + " bytes recorded");
				}
			}

			@Override
			public void checkEnded(long received) {
				if (received != expected) {
					throw new StorageException("Stored object " + key + " ends at " + received + " before the recorded "
							+ expected + " bytes");
				}
			}

		};
	}

}
