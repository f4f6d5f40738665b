/**
 * What the upload core counts and times for operators (Micrometer meters, scraped at
 * {@code /actuator/prometheus}): bytes and chunks per protocol, chunk durations,
 * completed and active uploads, and the store's write and sync times. Recorded where the
 * core already knows each fact, without a database round trip per chunk or work per byte.
 */
package dev.chunkedupload.upload.metrics;
