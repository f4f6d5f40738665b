/**
 * The core's refusals, one unchecked exception per problem, each naming what went wrong
 * (an offset mismatch carries the offset the upload has). The adapters turn them into
 * their protocol's status codes; the core never knows a status code.
 */
package dev.chunkedupload.upload.error;
