/**
 * The server's connections to the rest of a system: the webhooks that tell receivers
 * about uploads (written to an outbox in the transaction of each change, delivered at
 * least once by a background worker, signed as Standard Webhooks), their admin API, and
 * the synchronous pre-create hook that may refuse a new upload. An adapter over the core:
 * the core publishes {@link dev.chunkedupload.upload.model.UploadEvent}s and asks
 * {@link dev.chunkedupload.upload.model.UploadAdmission}s, and knows nothing of HTTP.
 */
package dev.chunkedupload.integration;
