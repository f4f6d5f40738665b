package dev.chunkedupload.documents;

import java.nio.charset.StandardCharsets;

import jakarta.validation.Valid;

import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.error.UploadAlreadyAttachedException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.web.StoredObjectResource;

import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * The Documents pages: the list, the form whose file field uploads in chunks, one page
 * per document, and its download.
 */
@Controller
@RequestMapping("/documents")
class DocumentController {

	static final String FORM = "documents/form";

	private final DocumentService documents;

	private final UploadService uploads;

	DocumentController(DocumentService documents, UploadService uploads) {
		this.documents = documents;
		this.uploads = uploads;
	}

	@GetMapping
	String list(Authentication authentication, Model model) {
		Caller caller = caller(authentication);
		model.addAttribute("documents", this.documents.visibleTo(caller));
		model.addAttribute("admin", caller.admin());
		return "documents/list";
	}

	@GetMapping("/new")
	String form(Model model) {
		model.addAttribute("documentForm", new DocumentForm());
		return FORM;
	}

	@PostMapping
	String create(@Valid @ModelAttribute("documentForm") DocumentForm form, BindingResult result,
			Authentication authentication) {
		if (result.hasErrors()) {
			return FORM;
		}
		try {
			Document document = this.documents.create(authentication.getName(), form);
			return "redirect:/documents/" + document.getId();
		}
		catch (UploadAlreadyAttachedException ex) {
			result.rejectValue("file", "Attachable.attached",
					"This upload already belongs to another record: choose the file again.");
		}
		catch (UploadNotFoundException ex) {
			result.rejectValue("file", "Attachable.notFound", "No such upload: choose the file again.");
		}
		catch (UploadIncompleteException ex) {
			result.rejectValue("file", "Attachable.incomplete", "The file has not finished uploading.");
		}
		catch (UploadBusyException ex) {
			result.rejectValue("file", "Attachable.busy", "The upload is busy; submit again in a moment.");
		}
		return FORM;
	}

	@GetMapping("/{id}")
	String show(@PathVariable long id, Authentication authentication, Model model) {
		model.addAttribute("document", find(id, authentication));
		return "documents/show";
	}

	@GetMapping("/{id}/file")
	ResponseEntity<Resource> download(@PathVariable long id, Authentication authentication) {
		Document document = find(id, authentication);
		UploadService.Content content;
		try {
			content = this.uploads.content(caller(authentication), document.getUploadId());
		}
		catch (UploadNotFoundException ex) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "The file of this document is gone");
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.eTag("\"" + document.getMd5() + "\"")
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment()
						.filename(document.getFilename(), StandardCharsets.UTF_8)
						.build()
						.toString())
			.body(new StoredObjectResource(content.object(), document.getFilename()));
	}

	private Document find(long id, Authentication authentication) {
		return this.documents.find(caller(authentication), id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No such document"));
	}

	private static Caller caller(Authentication authentication) {
		boolean admin = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.anyMatch("ROLE_ADMIN"::equals);
		return new Caller(authentication.getName(), admin);
	}

}
