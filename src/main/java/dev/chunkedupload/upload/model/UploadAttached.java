package dev.chunkedupload.upload.model;

/**
 * A completed upload became an application record's file. Published inside the
 * attachment's transaction, so a feature that keeps its own rows about uploads (the
 * client keys of numbered chunks) changes them in the same commit.
 *
 * @param uploadId the upload
 * @param reference the record it belongs to now, for example {@code document:42}
 */
public record UploadAttached(String uploadId, String reference) {

}
