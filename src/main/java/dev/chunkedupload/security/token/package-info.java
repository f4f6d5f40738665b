/**
 * API tokens for scripts: created, listed and revoked by their owner (with a password or
 * a logged-in session, never with a token), stored only as a SHA-256 hash, and accepted
 * as {@code Authorization: Bearer} on every API and protocol endpoint.
 */
package dev.chunkedupload.security.token;
