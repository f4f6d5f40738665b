package dev.chunkedupload.documents;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.chunkedupload.forms.CompletedUpload;
import dev.chunkedupload.upload.attach.UploadAttachments;
import dev.chunkedupload.upload.error.UploadAlreadyAttachedException;
import dev.chunkedupload.upload.model.Caller;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Creates documents and finds the ones a user may see.
 */
@Service
class DocumentService {

	/**
	 * Where a document's file is moved when the document is created (Django's
	 * {@code upload_to}), relative to the data directory.
	 */
	static final String UPLOAD_TO = "documents/{yyyy}/{MM}/{upload_id}";

	private final DocumentRepository documents;

	private final UploadAttachments attachments;

	private final Clock clock;

	DocumentService(DocumentRepository documents, UploadAttachments attachments, Clock clock) {
		this.documents = documents;
		this.attachments = attachments;
		this.clock = clock;
	}

	/**
	 * Create a document and take its upload over. The row is written first, so two forms
	 * submitting the same upload at once meet on its unique upload id; the file is then
	 * moved to the documents area, and if that fails the row goes again.
	 * @param owner the calling user
	 * @param form a valid form
	 * @return the new document
	 * @throws dev.chunkedupload.upload.error.UploadAlreadyAttachedException if another
	 * record took the upload meanwhile
	 */
	Document create(String owner, DocumentForm form) {
		CompletedUpload file = form.getFile();
		Document document;
		try {
			document = this.documents
				.saveAndFlush(new Document(owner, form.getTitle().strip(), form.getDescription().strip(), file.id(),
						file.filename(), file.size(), file.md5(), this.clock.instant()));
		}
		catch (DataIntegrityViolationException ex) {
			throw new UploadAlreadyAttachedException(file.id());
		}
		try {
			this.attachments.attach(owner, file.id(), UPLOAD_TO, "document:" + document.getId());
		}
		catch (RuntimeException ex) {
			this.documents.delete(document);
			throw ex;
		}
		return document;
	}

	List<Document> visibleTo(Caller caller) {
		return caller.admin() ? this.documents.findAllByOrderByCreatedAtDesc()
				: this.documents.findByOwnerOrderByCreatedAtDesc(caller.name());
	}

	Optional<Document> find(Caller caller, long id) {
		return this.documents.findById(id)
			.filter((document) -> caller.admin() || document.getOwner().equals(caller.name()));
	}

}
