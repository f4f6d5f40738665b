/**
 * The S3 {@link dev.chunkedupload.storage.UploadStore}: an unfinished upload is a
 * multipart upload at its final key plus a staged tail, recorded in the database with the
 * upload's offsets; completion is {@code CompleteMultipartUpload}. For AWS S3 and
 * S3-compatible servers (MinIO, Ceph, R2, GCS's S3 API).
 */
package dev.chunkedupload.storage.s3;
