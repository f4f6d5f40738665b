package dev.chunkedupload.documents;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import dev.chunkedupload.forms.Attachable;
import dev.chunkedupload.forms.CompletedUpload;

/**
 * What the new-document form submits. {@code file} arrives as an upload id and is bound
 * to the caller's upload.
 */
public class DocumentForm {

	@NotBlank
	@Size(max = 200)
	private String title;

	@Size(max = 5000)
	private String description = "";

	@NotNull(message = "Choose a file and wait until it has uploaded.")
	@Attachable
	private CompletedUpload file;

	public String getTitle() {
		return this.title;
	}

	public void setTitle(String title) {
		this.title = title;
	}

	public String getDescription() {
		return this.description;
	}

	public void setDescription(String description) {
		this.description = (description != null) ? description : "";
	}

	public CompletedUpload getFile() {
		return this.file;
	}

	public void setFile(CompletedUpload file) {
		this.file = file;
	}

}
