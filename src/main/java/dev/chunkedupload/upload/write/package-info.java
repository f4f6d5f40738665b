/**
 * The one write path: {@link dev.chunkedupload.upload.write.WritePipeline} moves every
 * byte the core writes (limits enforced while streaming, hashing inline, leases renewed,
 * the exact count of a broken body), and
 * {@link dev.chunkedupload.upload.write.StorageService} is the core's entry to the store:
 * it appends chunks, writes numbered pieces, verifies the MD5 and completes (promotes)
 * the file, choosing a way for each store capability it lacks.
 */
package dev.chunkedupload.upload.write;
