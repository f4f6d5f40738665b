package dev.chunkedupload.upload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.concat.UploadConcatenation;
import dev.chunkedupload.upload.error.UploadException;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.ConcatRole;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.stereotype.Service;

/**
 * Completion for protocols that have no completion request (tus): an upload whose length
 * is known is complete once its last byte is stored, a partial upload's completion may
 * make a final upload ready to be assembled, and a client that asks where an upload
 * stands finds finished what the request that stored the last byte did not live to
 * finish.
 */
@Service
public class ImplicitCompletion {

	private static final Logger logger = LoggerFactory.getLogger(ImplicitCompletion.class);

	private final UploadService uploads;

	private final UploadConcatenation concatenation;

	ImplicitCompletion(UploadService uploads, UploadConcatenation concatenation) {
		this.uploads = uploads;
		this.concatenation = concatenation;
	}

	/**
	 * Complete an upload of a protocol without a completion request (tus) once its last
	 * byte is stored; a completed partial upload may be the last one a waiting final
	 * upload needs, which is then assembled.
	 * @param owner the calling user, who must own the upload
	 * @param upload the upload as the caller last saw it
	 * @return the upload, complete if all its bytes are stored
	 */
	public ChunkedUpload completeIfStored(String owner, ChunkedUpload upload) {
		if (upload.getStatus() != UploadStatus.UPLOADING || upload.getConcatRole().orElse(null) == ConcatRole.FINAL
				|| upload.getTotalLength().isEmpty() || upload.getOffset() != upload.getTotalLength().get()) {
			return upload;
		}
		ChunkedUpload completed = this.uploads.complete(owner, upload.getId(), null);
		if (completed.getConcatRole().orElse(null) == ConcatRole.PARTIAL) {
			this.concatenation.assembleFinalsWaitingFor(owner, completed.getId());
		}
		return completed;
	}

	/**
	 * An upload as a client that asks where it stands should see it: a completion or an
	 * assembly that the request storing the last byte did not live to finish is finished
	 * now. A failure to finish is logged and the upload answered as it is.
	 * @param owner the calling user, who must own the upload
	 * @param upload the upload
	 * @return the upload, finished if it could be
	 */
	public ChunkedUpload finishQuietly(String owner, ChunkedUpload upload) {
		try {
			if (upload.getConcatRole().orElse(null) == ConcatRole.FINAL) {
				return (upload.getStatus() == UploadStatus.COMPLETE) ? upload
						: this.concatenation.assembleIfReady(owner, upload.getId());
			}
			return completeIfStored(owner, upload);
		}
		catch (UploadException | StorageException ex) {
			logger.info("Finishing upload {} on a status request failed: {}", upload.getId(), ex.getMessage());
			return upload;
		}
	}

}
