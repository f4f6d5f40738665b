/**
 * Uploads whose chunks are numbered and arrive in parallel, out of order and repeated
 * (resumable.js, flow.js): claims per chunk, the MD5 carried over the contiguous prefix
 * of stored chunks, and completion when every chunk is stored. Its rows (layout, client
 * key, chunks, hash lease) stay in its own tables.
 */
package dev.chunkedupload.upload.numbered;
