/**
 * Faults made to happen: a full device, store I/O errors, the database stopping, SIGTERM
 * and kill -9 of a server process, clients that stall. Each test checks, per protocol,
 * what the client is told and that nothing acknowledged is lost (README.md, "Failure
 * behaviour").
 */
package dev.chunkedupload.faults;
