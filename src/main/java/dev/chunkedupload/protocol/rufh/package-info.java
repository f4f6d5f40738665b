/**
 * Resumable Uploads for HTTP (draft-ietf-httpbis-resumable-upload, the successor of tus
 * that Apple's URLSession speaks on its own and tus-js-client speaks in its
 * {@code ietf-draft} modes), interop versions 6, 8 and 9, chosen per request. Uploads are
 * ordinary uploads of the core, so they are listed, downloaded and deleted through
 * {@code /api/uploads} like any other.
 */
package dev.chunkedupload.protocol.rufh;
