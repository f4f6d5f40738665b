/**
 * Fuzz tests against the running server: thousands of generated, mostly broken requests
 * per protocol on real sockets, checked for server errors and for damage to uploads they
 * did not target.
 */
package dev.chunkedupload.fuzz;
