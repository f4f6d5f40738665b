/**
 * Where the bytes of uploads live: {@link dev.chunkedupload.storage.UploadStore}, an
 * interface shaped like an upload session (begin, write a piece, complete or abort, read
 * and delete completed objects) with optional
 * {@link dev.chunkedupload.storage.StoreCapability capabilities}, and its settings
 * ({@code chunked-upload.storage.*}). The stores live in sub-packages. Knows nothing of
 * HTTP, JPA, owners or offsets beyond the positions it is told to write at; locking and
 * offset checks belong to the caller.
 */
package dev.chunkedupload.storage;
