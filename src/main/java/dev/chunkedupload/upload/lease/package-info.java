/**
 * Leases: who may write an upload, claim a chunk or carry an upload's MD5 forward, across
 * every instance that shares the database. {@link dev.chunkedupload.upload.lease.Lease}
 * is the one held-lease type with the one renewal timer;
 * {@link dev.chunkedupload.upload.lease.Leases} takes upload leases and records changes
 * of an upload under one; {@link dev.chunkedupload.upload.lease.UploadRows} makes the
 * changes that take none (a new row, and those that many requests make at once, under the
 * row's version).
 */
package dev.chunkedupload.upload.lease;
