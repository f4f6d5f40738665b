package dev.chunkedupload.protocol.chunked;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;

import dev.chunkedupload.multipart.MultipartReader;
import dev.chunkedupload.multipart.Part;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.InputLimits;
import dev.chunkedupload.upload.model.UploadIds;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The django-chunked-upload endpoints.
 * <p>
 * Multipart bodies are read here, as a stream, with {@link MultipartReader}: the chunk
 * goes from the socket to the upload's file in one pass, with no temporary copy (Spring's
 * multipart support is switched off for that reason). Form fields such as
 * {@code upload_id} must therefore come before the file part, as browsers' FormData and
 * {@code curl -F} send them when listed first; {@code upload_id} may also be given in the
 * query string.
 */
@RestController
@RequestMapping("/api/chunked-upload")
class ChunkedUploadController {

	static final String UPLOAD_ID = "upload_id";

	private static final Pattern MD5_FORMAT = Pattern.compile("[0-9a-fA-F]{32}");

	/**
	 * Room for the multipart boundaries, part headers and small fields around a chunk.
	 */
	private static final long MULTIPART_OVERHEAD = 64 * 1024;

	private static final int MAX_FIELD_LENGTH = 1024;

	private final UploadService uploads;

	private final ChunkedProtocolProperties properties;

	private final long maxChunkSize;

	private final InputLimits limits;

	ChunkedUploadController(UploadService uploads, ChunkedProtocolProperties properties,
			UploadProperties uploadProperties, InputLimits limits) {
		this.uploads = uploads;
		this.properties = properties;
		this.maxChunkSize = uploadProperties.maxChunkSize().toBytes();
		this.limits = limits;
	}

	@PostMapping
	ResponseEntity<ChunkResponse> chunk(HttpServletRequest request, Principal principal) throws IOException {
		String header = request.getHeader(HttpHeaders.CONTENT_RANGE);
		if (header == null && this.properties.failIfNoHeader()) {
			throw new BadChunkRequestException("missing-content-range", "The Content-Range header is required");
		}
		Chunk chunk = (header != null) ? toChunk(ContentRange.parse(header)) : new Chunk(0, null, null, true, false);
		String uploadId = request.getParameter(UPLOAD_ID);
		ChunkedUpload upload;
		if (MultipartReader.isMultipart(request.getContentType())) {
			upload = multipartChunk(request, principal.getName(), uploadId, chunk);
		}
		else if (isForm(request)) {
			throw missingChunk();
		}
		else {
			upload = accept(principal.getName(), uploadId, chunk, filename(request), request.getInputStream());
		}
		return withRange(ResponseEntity.ok(), upload).body(ChunkResponse.of(upload));
	}

	@PostMapping("/complete")
	CompletionResponse complete(HttpServletRequest request, Principal principal) throws IOException {
		Map<String, String> fields = formFields(request);
		String uploadId = requireUploadId(fields.get(UPLOAD_ID));
		String md5 = fields.get("md5");
		if (md5 == null || md5.isBlank()) {
			if (this.properties.md5Check()) {
				throw new BadChunkRequestException("missing-md5",
						"Field 'md5' (hex MD5 of the whole file) is required");
			}
			md5 = null;
		}
		else if (!MD5_FORMAT.matcher(md5).matches()) {
			throw new BadChunkRequestException("invalid-md5", "Field 'md5' must be 32 hex digits");
		}
		ChunkedUpload upload = this.uploads.complete(principal.getName(), uploadId,
				this.properties.md5Check() ? md5 : null);
		return CompletionResponse.of(upload,
				ServletUriComponentsBuilder.fromContextPath(request)
					.path("/api/uploads/{id}/content")
					.buildAndExpand(upload.getId())
					.toUriString());
	}

	@GetMapping("/{uploadId}")
	ResponseEntity<StatusResponse> status(@PathVariable String uploadId, Principal principal) {
		ChunkedUpload upload = this.uploads.getOwn(principal.getName(), requireUploadId(uploadId));
		return withRange(ResponseEntity.ok(), upload).body(StatusResponse.of(upload, this.uploads.statusOf(upload)));
	}

	@DeleteMapping("/{uploadId}")
	ResponseEntity<Void> abort(@PathVariable String uploadId, Principal principal) {
		this.uploads.getOwn(principal.getName(), requireUploadId(uploadId));
		this.uploads.delete(new Caller(principal.getName(), false), uploadId);
		return ResponseEntity.noContent().build();
	}

	private ChunkedUpload multipartChunk(HttpServletRequest request, String owner, String queryUploadId, Chunk chunk)
			throws IOException {
		String uploadId = queryUploadId;
		MultipartReader form = MultipartReader.of(request.getContentType(), request.getInputStream(),
				this.maxChunkSize + MULTIPART_OVERHEAD, this.limits.multipartParts() + 1);
		Part part;
		int parts = 0;
		while ((part = form.next()) != null) {
			requirePartWithinLimit(++parts);
			if (!part.isFile()) {
				if (part.isNamed(UPLOAD_ID)) {
					uploadId = readField(part);
				}
			}
			else if (part.isNamed(this.properties.fileField())) {
				try (InputStream body = part.body()) {
					return accept(owner, uploadId, chunk, part.filename(), body);
				}
			}
		}
		throw missingChunk();
	}

	private ChunkedUpload accept(String owner, String uploadId, Chunk chunk, String filename, InputStream body) {
		if (uploadId == null || uploadId.isEmpty()) {
			this.limits.requireFilename(filename);
			return this.uploads.start(owner, UploadProtocol.CHUNKED, filename, chunk, body);
		}
		return this.uploads.append(owner, requireUploadId(uploadId), chunk, body);
	}

	private Map<String, String> formFields(HttpServletRequest request) throws IOException {
		Map<String, String> fields = new HashMap<>();
		if (MultipartReader.isMultipart(request.getContentType())) {
			MultipartReader form = MultipartReader.of(request.getContentType(), request.getInputStream(),
					MULTIPART_OVERHEAD, this.limits.multipartParts() + 1);
			Part part;
			int parts = 0;
			while ((part = form.next()) != null) {
				requirePartWithinLimit(++parts);
				if (!part.isFile() && part.name() != null) {
					fields.putIfAbsent(part.name(), readField(part));
				}
			}
		}
		for (String name : new String[] { UPLOAD_ID, "md5" }) {
			String value = request.getParameter(name);
			if (value != null) {
				fields.putIfAbsent(name, value);
			}
		}
		return fields;
	}

	private void requirePartWithinLimit(int parts) {
		if (parts > this.limits.multipartParts()) {
			throw new BadChunkRequestException("too-many-parts",
					"The multipart body has more than " + this.limits.multipartParts() + " parts");
		}
	}

	private String readField(Part part) throws IOException {
		String value = part.text(MAX_FIELD_LENGTH);
		if (value == null) {
			throw new BadChunkRequestException("invalid-field",
					"Field '" + part.name() + "' is longer than " + MAX_FIELD_LENGTH + " bytes");
		}
		return value;
	}

	private static Chunk toChunk(ContentRange range) {
		return new Chunk(range.start(), range.length(), range.total(), range.isLast(), false);
	}

	/** jQuery-File-Upload names a raw chunk in Content-Disposition, percent-encoded. */
	private static String filename(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.CONTENT_DISPOSITION);
		if (header == null) {
			return null;
		}
		String name;
		try {
			name = ContentDisposition.parse(header).getFilename();
		}
		catch (IllegalArgumentException ex) {
			throw new BadChunkRequestException("invalid-content-disposition",
					"Content-Disposition is malformed: " + ex.getMessage());
		}
		if (name == null) {
			return null;
		}
		try {
			return UriUtils.decode(name, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// Not percent-encoded after all (curl sends names as they are): keep it.
			return name;
		}
	}

	private static boolean isForm(HttpServletRequest request) {
		String type = request.getContentType();
		return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
	}

	private BadChunkRequestException missingChunk() {
		return new BadChunkRequestException("missing-chunk", "No chunk found in multipart field '"
				+ this.properties.fileField() + "' (fields such as upload_id must come before it) or in a raw body");
	}

	/**
	 * An id that cannot exist is simply not found: the same answer as another user's id.
	 */
	private static String requireUploadId(String uploadId) {
		if (uploadId == null || uploadId.isBlank()) {
			throw new BadChunkRequestException("missing-upload-id", "Field 'upload_id' is required");
		}
		if (!UploadIds.isWellFormed(uploadId)) {
			throw new UploadNotFoundException(uploadId.length() > 64 ? uploadId.substring(0, 64) : uploadId);
		}
		return uploadId;
	}

	/** jQuery-File-Upload reads {@code Range: 0-N} and continues at N+1. */
	private static ResponseEntity.BodyBuilder withRange(ResponseEntity.BodyBuilder builder, ChunkedUpload upload) {
		if (upload.getOffset() > 0) {
			builder.header(HttpHeaders.RANGE, "0-" + (upload.getOffset() - 1));
		}
		return builder;
	}

	private static String iso(Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.MILLIS).toString() : null;
	}

	record ChunkResponse(@JsonProperty("upload_id") String uploadId, long offset, String expires) {

		static ChunkResponse of(ChunkedUpload upload) {
			return new ChunkResponse(upload.getId(), upload.getOffset(), iso(upload.getExpiresAt().orElse(null)));
		}

	}

	@JsonInclude(JsonInclude.Include.ALWAYS)
	record StatusResponse(@JsonProperty("upload_id") String uploadId, long offset, Long total, String status,
			String expires) {

		static StatusResponse of(ChunkedUpload upload, UploadStatus status) {
			return new StatusResponse(upload.getId(), upload.getOffset(), upload.getTotalLength().orElse(null),
					status.name().toLowerCase(Locale.ROOT), iso(upload.getExpiresAt().orElse(null)));
		}

	}

	record CompletionResponse(@JsonProperty("upload_id") String uploadId, String filename, long size, String md5,
			String status, String url) {

		static CompletionResponse of(ChunkedUpload upload, String url) {
			return new CompletionResponse(upload.getId(), upload.getFilename(), upload.getOffset(),
					upload.getMd5().orElseThrow(), "complete", url);
		}

	}

}
