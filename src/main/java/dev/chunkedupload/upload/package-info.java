/**
 * The upload core's entry points for the protocol adapters and pages:
 * {@link dev.chunkedupload.upload.UploadService} (uploads whose bytes arrive in order,
 * and the protocol-neutral status, listing, content and deletion of any upload) and
 * {@link dev.chunkedupload.upload.UploadSweeper} (expiry). Chunks that arrive numbered
 * and out of order, concatenation and attachments are features in sub-packages; all of
 * them write through {@code upload.write}. The core speaks in uploads, owners, offsets
 * and bytes, and knows nothing of HTTP. docs/design.md draws the layers.
 */
package dev.chunkedupload.upload;
