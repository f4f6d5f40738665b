/**
 * The upload core, shared by every protocol: the {@link dev.chunkedupload.upload.Upload}
 * entity and its state changes, {@link dev.chunkedupload.upload.UploadService} (lease,
 * store, record), the lease, the expiry sweeper and the domain exceptions. It speaks in
 * uploads, owners, offsets and bytes, and knows nothing of HTTP.
 */
package dev.chunkedupload.upload;
