/**
 * The file-system {@link dev.chunkedupload.storage.UploadStore}: an unfinished upload is
 * a file that grows (appended with {@code O_DIRECT} where possible, written in place for
 * out-of-order chunks), and completion is an atomic rename. It has every
 * {@link dev.chunkedupload.storage.StoreCapability}.
 */
package dev.chunkedupload.storage.filesystem;
