package dev.chunkedupload.upload.model;

/**
 * Where an upload is in its life. Only {@link #UPLOADING} accepts bytes.
 */
public enum UploadStatus {

	/** Accepting bytes. */
	UPLOADING,

	/** All bytes received, checked and moved to their final place. */
	COMPLETE,

	/** Cancelled by its owner; its bytes are gone. */
	ABORTED,

	/** Idle past its expiry; its bytes are gone. */
	EXPIRED

}
