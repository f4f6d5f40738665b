package dev.chunkedupload.protocol.resumable;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;

import dev.chunkedupload.multipart.MultipartReader;
import dev.chunkedupload.multipart.Part;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.InputLimits;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.numbered.ChunkReceipt;
import dev.chunkedupload.upload.numbered.NumberedUploadService;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The resumable.js and flow.js endpoint. {@code GET} is the test request: 200 when the
 * chunk is stored, 204 when it is not (flow.js gives up on a 404), and it never changes
 * anything. {@code POST} stores a chunk, sent as multipart (parameters as fields before
 * the {@code file} part, which is how both libraries build their FormData) or as a raw
 * body with the parameters in the query string ({@code method: 'octet'}).
 * <p>
 * Multipart bodies are read here as a stream with {@link MultipartReader}, so a chunk
 * goes from the socket to its place in the file in one pass with no temporary copy.
 */
@RestController
@RequestMapping("/api/resumable")
class ResumableController {

	static final String FILE_FIELD = "file";

	/**
	 * Which client sent the chunk, {@code resumable} or {@code flow}, for the error
	 * answer.
	 */
	static final String PREFIX_ATTRIBUTE = ResumableController.class.getName() + ".prefix";

	/** Room for the multipart boundaries, part headers and fields around a chunk. */
	private static final long MULTIPART_OVERHEAD = 64 * 1024;

	private static final int MAX_FIELD_BYTES = 4 * ResumableParameters.MAX_TEXT_LENGTH;

	private final NumberedUploadService uploads;

	private final long maxChunkSize;

	private final InputLimits limits;

	ResumableController(NumberedUploadService uploads, UploadProperties uploadProperties, InputLimits limits) {
		this.uploads = uploads;
		this.limits = limits;
		this.maxChunkSize = uploadProperties.maxChunkSize().toBytes();
	}

	@GetMapping
	ResponseEntity<Object> test(HttpServletRequest request, Principal principal) {
		ResumableParameters parameters = ResumableParameters.parse(request::getParameter);
		return this.uploads.findStored(principal.getName(), parameters.toChunk(this.limits))
			.<ResponseEntity<Object>>map((receipt) -> ResponseEntity.ok(body(receipt, parameters, request)))
			.orElseGet(() -> ResponseEntity.noContent().build());
	}

	@PostMapping
	ResponseEntity<Object> chunk(HttpServletRequest request, Principal principal) throws IOException {
		ChunkReceipt receipt;
		ResumableParameters parameters;
		if (MultipartReader.isMultipart(request.getContentType())) {
			Map<String, String> fields = new HashMap<>();
			MultipartReader form = MultipartReader.of(request.getContentType(), request.getInputStream(),
					this.maxChunkSize * 2 + MULTIPART_OVERHEAD, this.limits.multipartParts() + 1);
			int parts = 0;
			while (true) {
				Part part = form.next();
				if (part == null) {
					throw new BadResumableRequestException("missing-chunk", "No chunk found in multipart field '"
							+ FILE_FIELD + "' (the parameters must come before it)");
				}
				if (++parts > this.limits.multipartParts()) {
					throw new BadResumableRequestException("too-many-parts",
							"The multipart body has more than " + this.limits.multipartParts() + " parts");
				}
				if (!part.isFile()) {
					if (part.name() != null) {
						fields.putIfAbsent(part.name(), readField(part));
					}
				}
				else if (part.isNamed(FILE_FIELD)) {
					parameters = ResumableParameters
						.parse((name) -> fields.containsKey(name) ? fields.get(name) : request.getParameter(name));
					try (InputStream body = part.body()) {
						receipt = write(principal, parameters, body, request);
					}
					break;
				}
			}
		}
		else if (isForm(request)) {
			throw new BadResumableRequestException("missing-chunk",
					"A form without a file has no chunk: send multipart with a '" + FILE_FIELD
							+ "' part, or the raw chunk as the body");
		}
		else {
			parameters = ResumableParameters.parse(request::getParameter);
			parameters.toChunk(this.limits);
			long length = request.getContentLengthLong();
			if (length >= 0 && length != parameters.currentChunkSize()) {
				throw new BadResumableRequestException("length-mismatch", "The body has " + length + " bytes but "
						+ parameters.prefix() + "CurrentChunkSize says " + parameters.currentChunkSize());
			}
			receipt = write(principal, parameters, request.getInputStream(), request);
		}
		return ResponseEntity.ok(body(receipt, parameters, request));
	}

	private ChunkReceipt write(Principal principal, ResumableParameters parameters, InputStream body,
			HttpServletRequest request) {
		request.setAttribute(PREFIX_ATTRIBUTE, parameters.prefix());
		return this.uploads.write(principal.getName(), UploadProtocol.RESUMABLE, parameters.toChunk(this.limits), body);
	}

	private Object body(ChunkReceipt receipt, ResumableParameters parameters, HttpServletRequest request) {
		ChunkedUpload upload = receipt.upload();
		if (receipt.complete()) {
			return new CompletionResponse(upload.getId(), upload.getFilename(), upload.getOffset(),
					upload.getMd5().orElseThrow(), "complete",
					ServletUriComponentsBuilder.fromContextPath(request)
						.path("/api/uploads/{id}/content")
						.buildAndExpand(upload.getId())
						.toUriString());
		}
		return new ProgressResponse(upload.getId(), upload.getFilename(), upload.getTotalLength().orElseThrow(),
				"uploading", parameters.chunkNumber(), receipt.storedChunks(), receipt.totalChunks(),
				upload.getExpiresAt().map((expires) -> expires.truncatedTo(ChronoUnit.MILLIS).toString()).orElse(null));
	}

	private static String readField(Part part) throws IOException {
		String value = part.text(MAX_FIELD_BYTES);
		if (value == null) {
			throw new BadResumableRequestException("invalid-field",
					"Field '" + part.name() + "' is longer than " + MAX_FIELD_BYTES + " bytes");
		}
		return value;
	}

	private static boolean isForm(HttpServletRequest request) {
		String type = request.getContentType();
		return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
	}

	/** The answer to the chunk that completed the upload (and to any chunk after it). */
	record CompletionResponse(@JsonProperty("upload_id") String uploadId, String filename, long size, String md5,
			String status, String url) {

	}

	/** The answer to any other chunk. */
	record ProgressResponse(@JsonProperty("upload_id") String uploadId, String filename, long size, String status,
			@JsonProperty("chunk_number") int chunkNumber, @JsonProperty("chunks_stored") int chunksStored,
			@JsonProperty("total_chunks") int totalChunks, String expires) {

	}

}
