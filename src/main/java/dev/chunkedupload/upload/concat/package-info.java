/**
 * Final uploads assembled from partial ones (tus concatenation): the ordered part lists,
 * assembly under the leases of the final upload and of every part in one read-write-hash
 * pass, and the retries when parts complete at the same moment.
 */
package dev.chunkedupload.upload.concat;
