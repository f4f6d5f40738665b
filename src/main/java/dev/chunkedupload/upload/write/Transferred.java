package dev.chunkedupload.upload.write;

import java.io.IOException;

import dev.chunkedupload.upload.hash.RunningMd5;

/**
 * What {@link WritePipeline#transfer} moved.
 *
 * @param bytes how many bytes were written (and, unless the body broke off without
 * keeping them, made durable)
 * @param md5 the MD5 after them, or {@code null} when nothing was hashed
 * @param brokenBy why the source broke off, or {@code null} if it ended normally
 */
public record Transferred(long bytes, RunningMd5 md5, IOException brokenBy) {

	/**
	 * Whether the source broke off before its end.
	 * @return {@code true} if it did
	 */
	public boolean broken() {
		return this.brokenBy != null;
	}

}
