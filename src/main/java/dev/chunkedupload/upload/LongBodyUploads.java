package dev.chunkedupload.upload;

import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;

import org.springframework.stereotype.Service;

/**
 * Request bodies of any length, for clients that send the rest of a file in one request
 * (tus-js-client's default chunk size is unlimited, and an IETF resumable upload may be
 * one request): {@link UploadService} stores them in chunks of at most
 * {@code max-chunk-size}, each durable and recorded before the next, so a body that
 * breaks off loses at most its last chunk.
 */
@Service
public class LongBodyUploads {

	private final UploadService uploads;

	private final long maxChunkSize;

	LongBodyUploads(UploadService uploads, UploadProperties properties) {
		this.uploads = uploads;
		this.maxChunkSize = properties.maxChunkSize().toBytes();
	}

	/**
	 * Create an upload with a first body of any length.
	 * @param owner the creating user
	 * @param protocol the protocol that creates it
	 * @param details what the client says about the upload
	 * @param chunk what the client says about the first bytes
	 * @param body the first bytes
	 * @return the upload after them
	 */
	public ChunkedUpload create(String owner, UploadProtocol protocol, UploadDetails details, Chunk chunk,
			LongBody body) {
		ChunkedUpload upload = this.uploads.create(owner, protocol, details, chunk, body.nextPiece(this.maxChunkSize));
		return appendRest(upload, chunk.keepPartial(), body);
	}

	/**
	 * Add a body of any length at the upload's offset. Whether bytes of a body that
	 * breaks off are kept is {@code chunk.keepPartial()}.
	 * @param seen the upload as the caller just loaded it with
	 * {@link UploadService#getOwn}
	 * @param chunk what the client says about the bytes
	 * @param body the bytes
	 * @return the upload after them
	 */
	public ChunkedUpload append(ChunkedUpload seen, Chunk chunk, LongBody body) {
		ChunkedUpload upload = this.uploads.append(seen, chunk, body.nextPiece(this.maxChunkSize));
		return appendRest(upload, chunk.keepPartial(), body);
	}

	/**
	 * Each piece goes from the copy the previous one returned, which is in step with the
	 * row: no load between pieces.
	 */
	private ChunkedUpload appendRest(ChunkedUpload upload, boolean keepPartial, LongBody body) {
		ChunkedUpload current = upload;
		while (body.hasMorePieces()) {
			current = this.uploads.append(current, new Chunk(current.getOffset(), null, null, false, keepPartial),
					body.nextPiece(this.maxChunkSize));
		}
		return current;
	}

}
