package dev.chunkedupload.protocol.resumable;

import java.util.function.Function;

import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.model.InputLimits;
import dev.chunkedupload.upload.numbered.ChunkLayout;
import dev.chunkedupload.upload.numbered.NumberedChunk;

/**
 * The parameters every resumable.js or flow.js request carries, with the prefix
 * {@code resumable} or {@code flow}, checked against each other: the chunk number within
 * the total, the chunk sizes adding up to the total size (the last chunk may take up to
 * twice the chunk size, or be shorter with {@code forceChunkSize}), and the current chunk
 * size equal to what that chunk must have.
 *
 * @param prefix {@code resumable} or {@code flow}
 * @param chunkNumber the chunk, from 1
 * @param chunkSize the client's chunk size
 * @param currentChunkSize the size of this chunk
 * @param totalSize the file's size
 * @param totalChunks how many chunks the file has
 * @param identifier the client's identifier of the file
 * @param filename the file's name
 * @param relativePath the file's path as the client shows it (only echoed, never used)
 */
record ResumableParameters(String prefix, int chunkNumber, long chunkSize, long currentChunkSize, long totalSize,
		int totalChunks, String identifier, String filename, String relativePath) {

	static final String RESUMABLE = "resumable";

	static final String FLOW = "flow";

	/** Long enough for a deep relative path in an identifier; short enough to index. */
	static final int MAX_TEXT_LENGTH = 2048;

	/**
	 * Read and check the parameters.
	 * @param parameters looks a parameter up by name, {@code null} when absent
	 * @return the parameters
	 * @throws BadResumableRequestException if one is missing, malformed or contradicts
	 * another
	 */
	static ResumableParameters parse(Function<String, String> parameters) {
		String prefix = (parameters.apply(FLOW + "ChunkNumber") != null
				&& parameters.apply(RESUMABLE + "ChunkNumber") == null) ? FLOW : RESUMABLE;
		Reader reader = new Reader(prefix, parameters);
		int chunkNumber = (int) reader.number("ChunkNumber", 1, Integer.MAX_VALUE);
		long chunkSize = reader.number("ChunkSize", 1, Long.MAX_VALUE);
		long currentChunkSize = reader.number("CurrentChunkSize", 0, Long.MAX_VALUE);
		long totalSize = reader.number("TotalSize", 0, Long.MAX_VALUE);
		int totalChunks = (int) reader.number("TotalChunks", 1, Integer.MAX_VALUE);
		String identifier = reader.text("Identifier", true);
		String filename = reader.text("Filename", true);
		String relativePath = reader.text("RelativePath", false);
		if (chunkNumber > totalChunks) {
			throw new BadResumableRequestException("invalid-parameter",
					prefix + "ChunkNumber " + chunkNumber + " is past " + prefix + "TotalChunks " + totalChunks);
		}
		return new ResumableParameters(prefix, chunkNumber, chunkSize, currentChunkSize, totalSize, totalChunks,
				identifier, filename, relativePath);
	}

	/**
	 * The chunk in the core's terms.
	 * @param limits the limits on chunks and names
	 * @return the chunk
	 * @throws BadResumableRequestException if the sizes do not fit together, or a limit
	 * is exceeded
	 */
	NumberedChunk toChunk(InputLimits limits) {
		if (this.totalChunks > limits.chunksPerUpload()) {
			throw new BadResumableRequestException("too-many-chunks", this.prefix + "TotalChunks " + this.totalChunks
					+ " is more than the " + limits.chunksPerUpload() + " chunks one upload may have");
		}
		if (this.filename.length() > limits.filenameLength()) {
			throw new BadResumableRequestException("invalid-parameter", this.prefix + "Filename has "
					+ this.filename.length() + " characters; at most " + limits.filenameLength() + " are accepted");
		}
		ChunkLayout layout;
		try {
			layout = new ChunkLayout(this.totalSize, this.chunkSize, this.totalChunks);
		}
		catch (InvalidUploadRequestException ex) {
			throw new BadResumableRequestException("invalid-parameter", this.prefix + "TotalChunks, " + this.prefix
					+ "ChunkSize and " + this.prefix + "TotalSize do not fit together: " + ex.getMessage());
		}
		try {
			return new NumberedChunk(this.identifier, this.filename, layout, this.chunkNumber, this.currentChunkSize);
		}
		catch (LengthMismatchException | InvalidUploadRequestException ex) {
			throw new BadResumableRequestException("invalid-parameter",
					this.prefix + "CurrentChunkSize does not fit: " + ex.getMessage());
		}
	}

	private record Reader(String prefix, Function<String, String> parameters) {

		long number(String name, long min, long max) {
			String value = text(name, true);
			long number;
			try {
				number = Long.parseLong(value);
			}
			catch (NumberFormatException ex) {
				throw new BadResumableRequestException("invalid-parameter",
						"Parameter '" + this.prefix + name + "' must be a whole number, not '" + shorten(value) + "'");
			}
			if (number < min || number > max) {
				throw new BadResumableRequestException("invalid-parameter", "Parameter '" + this.prefix + name
						+ "' must be between " + min + " and " + max + ", not " + number);
			}
			return number;
		}

		String text(String name, boolean required) {
			String value = this.parameters.apply(this.prefix + name);
			if (value == null || value.isEmpty()) {
				if (required) {
					throw new BadResumableRequestException("missing-parameter",
							"Parameter '" + this.prefix + name + "' is required");
				}
				return null;
			}
			if (value.length() > MAX_TEXT_LENGTH) {
				throw new BadResumableRequestException("invalid-parameter",
						"Parameter '" + this.prefix + name + "' is longer than " + MAX_TEXT_LENGTH + " characters");
			}
			return value;
		}

		private static String shorten(String value) {
			return (value.length() > 40) ? value.substring(0, 40) + "..." : value;
		}

	}

}
