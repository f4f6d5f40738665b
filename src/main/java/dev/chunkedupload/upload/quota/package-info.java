/**
 * Quotas per user: how many bytes a user may hold (stored plus the declared bytes of
 * uploads in progress) and how many uploads they may have in progress, checked when an
 * upload is created and, for uploads without a declared length, before each chunk; and
 * each user's usage, for administrators.
 */
package dev.chunkedupload.upload.quota;
