package dev.chunkedupload.upload.model;

/**
 * The bytes of an incomplete upload were given up (deleted, expired, or refused at
 * creation). A feature that stored bytes of its own for the upload (numbered chunks kept
 * as objects apart) removes them.
 *
 * @param uploadId the upload
 * @param storageKey the key its bytes had while incomplete
 */
public record UploadDiscarded(String uploadId, String storageKey) {

}
