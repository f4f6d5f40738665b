/**
 * The django-chunked-upload protocol, as jQuery-File-Upload and curl speak it: chunks
 * with {@code Content-Range} as multipart or raw bodies, a completion request with the
 * MD5, a status request for resuming, and abort.
 */
package dev.chunkedupload.protocol.chunked;
