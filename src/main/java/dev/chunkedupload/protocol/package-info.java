/**
 * The wire protocols, one adapter package each. Each parses its own format into calls on
 * the upload core and maps the core's exceptions to its own status codes; none imports
 * another.
 */
package dev.chunkedupload.protocol;
