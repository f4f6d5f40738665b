/**
 * tus 1.0 (tus-js-client, Uppy, the mobile clients) with every extension of the protocol:
 * creation, creation-with-upload, creation-defer-length, expiration, checksum,
 * checksum-trailer, termination, concatenation and concatenation-unfinished. Uploads are
 * ordinary uploads of the core, so they are listed, downloaded and deleted through
 * {@code /api/uploads} like any other.
 */
package dev.chunkedupload.protocol.tus;
