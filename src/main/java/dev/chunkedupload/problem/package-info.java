/**
 * The problem details (RFC 9457) that every adapter answers with: one builder that keeps
 * the {@code /problems/<slug>} type URIs alike, and a table type through which each
 * adapter's exception handler maps exceptions to problems. HTTP only: it knows nothing of
 * the upload core, the storage or any protocol, so every adapter may use it.
 */
package dev.chunkedupload.problem;
