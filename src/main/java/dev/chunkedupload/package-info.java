/**
 * The Chunked Upload Server: takes very large files over HTTP in resumable chunks
 * (django-chunked-upload, resumable.js/flow.js, tus) and hands them back. The protocol
 * adapters ({@code protocol}), pages ({@code web}, {@code documents}, {@code forms}) and
 * security sit on the upload core ({@code upload}), which writes through one pipeline
 * into a store ({@code storage}); docs/design.md draws the layers.
 */
package dev.chunkedupload;
