/**
 * The upload itself: the {@link dev.chunkedupload.upload.model.ChunkedUpload} entity,
 * which owns every change of its row, its repository, the values a client states (chunks,
 * details, who asks), upload ids, file names, the core's settings, and the events the
 * core publishes about uploads. The bottom layer of the core, with {@code error} and
 * {@code hash}.
 */
package dev.chunkedupload.upload.model;
