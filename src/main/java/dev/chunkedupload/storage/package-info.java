/**
 * Where the bytes of uploads live: a small {@link dev.chunkedupload.storage.ChunkStore}
 * interface and its file-system implementation. Knows nothing of HTTP, JPA, owners or
 * offsets beyond the positions it is told to write at; locking and offset checks belong
 * to the caller.
 */
package dev.chunkedupload.storage;
