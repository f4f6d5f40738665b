package dev.chunkedupload.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadSnapshot;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.server.ResponseStatusException;

/**
 * The protocol-neutral uploads API: every upload, whichever protocol created it, can be
 * listed, inspected, downloaded and deleted here. Administrators may see everyone's.
 */
@RestController
@RequestMapping("/api/uploads")
class UploadsController {

	private final UploadService uploads;

	UploadsController(UploadService uploads) {
		this.uploads = uploads;
	}

	@GetMapping
	List<UploadSnapshot> list(Authentication authentication, @RequestParam(defaultValue = "false") boolean all,
			@RequestParam(name = "status", required = false) String statusName) {
		UploadStatus status = (statusName != null) ? parseStatus(statusName) : null;
		return this.uploads.list(caller(authentication), all)
			.stream()
			.map((upload) -> UploadSnapshot.of(upload, this.uploads.statusOf(upload)))
			.filter((view) -> (status != null) ? view.status().equals(status.name().toLowerCase(Locale.ROOT))
					: !view.status().equals("aborted"))
			.toList();
	}

	@GetMapping("/{uploadId}")
	UploadSnapshot get(@PathVariable String uploadId, Authentication authentication) {
		ChunkedUpload upload = this.uploads.get(caller(authentication), uploadId);
		return UploadSnapshot.of(upload, this.uploads.statusOf(upload));
	}

	@GetMapping("/{uploadId}/content")
	ResponseEntity<Resource> content(@PathVariable String uploadId, Authentication authentication, WebRequest request) {
		UploadService.Content content = this.uploads.content(caller(authentication), uploadId);
		if (content.directUrl().isPresent()) {
			// The store serves it (S3 presigned downloads): large files bypass the
			// instances.
			return ResponseEntity.status(HttpStatus.FOUND)
				.location(content.directUrl().get())
				.cacheControl(CacheControl.noStore())
				.build();
		}
		ChunkedUpload upload = content.upload();
		String etag = "\"" + upload.getMd5().orElseThrow() + "\"";
		if (request.checkNotModified(etag)) {
			return null;
		}
		return ResponseEntity.ok()
			.contentType(mediaType(upload))
			.eTag(etag)
			.lastModified(upload.getCompletedAt().orElseThrow())
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment()
						.filename(upload.getFilename(), StandardCharsets.UTF_8)
						.build()
						.toString())
			.body(new StoredObjectResource(content.object(), upload.getFilename()));
	}

	@DeleteMapping("/{uploadId}")
	ResponseEntity<Void> delete(@PathVariable String uploadId, Authentication authentication) {
		this.uploads.delete(caller(authentication), uploadId);
		return ResponseEntity.noContent().build();
	}

	/**
	 * The type the client gave when it created the upload (checked by its protocol), so a
	 * browser opens a download with the right program; always as an attachment, and
	 * security's {@code nosniff} keeps the browser from guessing another type.
	 */
	private static MediaType mediaType(ChunkedUpload upload) {
		try {
			return upload.getContentType().map(MediaType::parseMediaType).orElse(MediaType.APPLICATION_OCTET_STREAM);
		}
		catch (InvalidMediaTypeException ex) {
			return MediaType.APPLICATION_OCTET_STREAM;
		}
	}

	/** Statuses are written lower-case in JSON, so that is how they are asked for too. */
	private static UploadStatus parseStatus(String name) {
		try {
			return UploadStatus.valueOf(name.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Unknown status '" + name + "'; one of uploading, complete, aborted, expired");
		}
	}

	static Caller caller(Authentication authentication) {
		boolean admin = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.anyMatch("ROLE_ADMIN"::equals);
		return new Caller(authentication.getName(), admin);
	}

}
