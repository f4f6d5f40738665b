/**
 * The resumable.js and flow.js protocol ({@code /api/resumable}): numbered chunks sent in
 * parallel and out of order, a test {@code GET} per chunk that answers 200 (stored) or
 * 204 (not yet), and no completion request: the upload completes when its last missing
 * chunk is stored. Parses the {@code resumable*} and {@code flow*} parameters into core
 * calls of {@link dev.chunkedupload.upload.numbered.NumberedUploadService}.
 */
package dev.chunkedupload.protocol.resumable;
