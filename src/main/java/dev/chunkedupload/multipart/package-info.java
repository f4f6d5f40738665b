/**
 * A streaming reader of {@code multipart/form-data} request bodies for the protocols that
 * take chunks as form uploads (django-chunked-upload, resumable.js, flow.js): parts are
 * read one after the other, a file part's bytes go to the caller's buffer as they arrive,
 * and the boundary is found with a skipping search, so that a chunk in a form costs
 * little more than the same chunk sent raw.
 */
package dev.chunkedupload.multipart;
