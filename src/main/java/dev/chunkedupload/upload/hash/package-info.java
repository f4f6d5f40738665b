/**
 * The MD5 carried from chunk to chunk: {@link dev.chunkedupload.upload.hash.RunningMd5}
 * with a state that is saved with every recorded offset, its fast (JDK intrinsic) and
 * plain-Java implementations, and the hasher that runs beside the request thread.
 */
package dev.chunkedupload.upload.hash;
