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

}
