/**
 * Uploads whose chunks are numbered and arrive in parallel, out of order and repeated
 * (resumable.js, flow.js): claims per chunk, the MD5 carried over the contiguous prefix
 * of stored chunks, and completion when every chunk is stored. Its rows (layout, client
 * key, chunks, hash lease) stay in its own tables.
 * <p>
 * Who may write what, across every instance sharing the database:
 * <ul>
 * <li>A chunk is written by the request that <b>claimed</b> it: inserting its row fails
 * on the primary key for everyone else (busy while the claim's lease runs, the same
 * answer as a duplicate once it is stored). Different chunks of one upload are written at
 * the same time.</li>
 * <li>After {@code fsync}, a short transaction marks the chunk stored and records the
 * activity, but only while the upload's own lease is free: that lease is what deletion,
 * expiry and completion take, so a chunk is never acknowledged into an upload one of them
 * is ending.</li>
 * <li>The MD5 is advanced over the contiguous prefix of stored chunks (the
 * {@code upload_offset} and {@code hash_state} columns) by whoever holds the upload's
 * <b>hash lease</b>, reading back bytes that were just written and are still in the page
 * cache. A request that finds the hash lease taken leaves the work to its holder, who
 * looks again after releasing it.</li>
 * <li>Completion happens when the number of stored chunks equals the number of chunks,
 * never by adding sizes: the request that sees this takes the upload lease, finishes the
 * MD5 (normally only the last chunks are left), moves the file and records COMPLETE in a
 * transaction guarded by that lease, so it happens exactly once.</li>
 * </ul>
 * No transaction is open while bytes flow.
 */
package dev.chunkedupload.upload.numbered;
