package dev.chunkedupload.upload.model;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Every {@link UploadAdmission} of the application, asked at each of the core's places
 * that create an upload (sequential, numbered chunks, concatenation), so that no protocol
 * can create one past them.
 */
@Component
public class UploadAdmissions {

	private final List<UploadAdmission> admissions;

	UploadAdmissions(ObjectProvider<UploadAdmission> admissions) {
		this.admissions = admissions.orderedStream().toList();
	}

	/**
	 * Ask every admission.
	 * @param upload the upload about to be created
	 */
	public void admit(NewUpload upload) {
		for (UploadAdmission admission : this.admissions) {
			admission.admit(upload);
		}
	}

	/**
	 * How much more an upload may grow: unlimited for one that declared its length (it
	 * was admitted with it, and the write path holds it to it), else the tightest
	 * allowance of every admission.
	 * @param upload the upload, as loaded under its lease
	 * @return the bytes it may still grow by
	 */
	public ByteAllowance allowance(ChunkedUpload upload) {
		ByteAllowance allowance = ByteAllowance.UNLIMITED;
		if (upload.getTotalLength().isPresent()) {
			return allowance;
		}
		for (UploadAdmission admission : this.admissions) {
			allowance = allowance.min(admission.allowance(upload));
		}
		return allowance;
	}

	/**
	 * {@link #allowance(ChunkedUpload)} for a chunk about to be written, refusing at once
	 * one whose stated total or length already passes it, before a byte is read.
	 * @param upload the upload, as loaded under its lease
	 * @param chunk what the client says about the bytes
	 * @return the bytes the upload may still grow by, for the write path to hold it to
	 */
	public ByteAllowance allowance(ChunkedUpload upload, Chunk chunk) {
		ByteAllowance allowance = allowance(upload);
		if (chunk.total() != null) {
			allowance.check(chunk.total() - upload.getOffset());
		}
		if (chunk.length() != null) {
			allowance.check(chunk.length());
		}
		return allowance;
	}

}
