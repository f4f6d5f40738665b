package dev.chunkedupload.protocol.tus;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.upload.ImplicitCompletion;
import dev.chunkedupload.upload.LongBodyUploads;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.concat.UploadConcatenation;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.UploadTooLargeException;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.ConcatRole;
import dev.chunkedupload.upload.model.InputLimits;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * tus 1.0 at {@code /api/tus}: creation by {@code POST}, each upload at
 * {@code /api/tus/{upload_id}} (the id of {@code /api/uploads}) with {@code HEAD},
 * {@code PATCH} and {@code DELETE}, and {@code OPTIONS} for discovery.
 * <p>
 * Each handler keeps one order, as tusd's does: protocol version, headers and media type
 * (nothing loaded yet, nothing read), then the upload (404 for another user's), its state
 * (410, 403 for a final upload), the offset (409), the lengths (413), and only then the
 * body, streamed into the core, which holds the upload's lease while it writes.
 * <p>
 * tus clients send the rest of a file in one {@code PATCH} (tus-js-client's default chunk
 * size is unlimited), so bodies go to the core as a {@link IncomingBody}, which the core
 * stores in pieces of at most {@code max-chunk-size}. tus has no completion request: the
 * core completes an upload when its last byte is stored, and a {@code HEAD} finishes what
 * a request that died after that byte could not.
 */
@RestController
@RequestMapping(TusController.PATH)
class TusController {

	static final String PATH = "/api/tus";

	static final String VERSION = "1.0.0";

	static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,expiration,checksum,"
			+ "checksum-trailer,termination,concatenation,concatenation-unfinished";

	static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

	static final String TUS_RESUMABLE = "Tus-Resumable";

	static final String TUS_VERSION = "Tus-Version";

	static final String UPLOAD_OFFSET = "Upload-Offset";

	static final String UPLOAD_LENGTH = "Upload-Length";

	static final String UPLOAD_DEFER_LENGTH = "Upload-Defer-Length";

	static final String UPLOAD_METADATA = "Upload-Metadata";

	static final String UPLOAD_EXPIRES = "Upload-Expires";

	static final String UPLOAD_CONCAT = "Upload-Concat";

	static final String UPLOAD_CHECKSUM = "Upload-Checksum";

	private static final Logger logger = LoggerFactory.getLogger(TusController.class);

	/** RFC 9110's IMF-fixdate, which tus asks for in Upload-Expires. */
	private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private final UploadService uploads;

	private final LongBodyUploads longBodies;

	private final UploadConcatenation concatenation;

	private final ImplicitCompletion completion;

	private final long maxBytes;

	private final InputLimits limits;

	TusController(UploadService uploads, LongBodyUploads longBodies, UploadConcatenation concatenation,
			ImplicitCompletion completion, UploadProperties properties, InputLimits limits) {
		this.uploads = uploads;
		this.longBodies = longBodies;
		this.concatenation = concatenation;
		this.completion = completion;
		this.maxBytes = properties.maxBytes().toBytes();
		this.limits = limits;
	}

	/**
	 * Discovery. 200 rather than 204: some browsers refuse a 204 answer to a preflight,
	 * and a preflight that CORS does not take over ends here.
	 */
	@RequestMapping(method = RequestMethod.OPTIONS, path = { "", "/{uploadId}" })
	ResponseEntity<Void> options() {
		return ResponseEntity.ok()
			.header(TUS_VERSION, VERSION)
			.header("Tus-Extension", EXTENSIONS)
			.header("Tus-Max-Size", String.valueOf(this.maxBytes))
			.header("Tus-Checksum-Algorithm", UploadChecksum.ANNOUNCED)
			.build();
	}

	@PostMapping
	ResponseEntity<Void> create(HttpServletRequest request, Principal principal) throws IOException {
		TusHeaders.requireVersion(request);
		String owner = principal.getName();
		String concatHeader = request.getHeader(UPLOAD_CONCAT);
		UploadConcat concat = (concatHeader != null)
				? UploadConcat.parse(concatHeader, request.getContextPath(), this.limits.concatParts()) : null;
		TusMetadata metadata = TusMetadata.parse(request.getHeader(UPLOAD_METADATA), this.limits.metadataLength());
		this.limits.requireFilename(metadata.filename());
		if (concat != null && !concat.partial()) {
			return createFinal(request, owner, concat, metadata);
		}
		Long length = TusHeaders.lengthOf(request);
		UploadDetails details = new UploadDetails(metadata.filename(), metadata.filetype(), metadata.raw(),
				(concat != null) ? ConcatRole.PARTIAL : null);
		ChunkedUpload upload;
		if (TusHeaders.hasBody(request)) {
			TusHeaders.requireOffsetOctetStream(request);
			IncomingBody body = IncomingBody.of(request);
			if (length != null && request.getContentLengthLong() > length) {
				throw new TusRequestException(HttpStatus.PAYLOAD_TOO_LARGE, "length-exceeded",
						"The body is longer than the Upload-Length of " + length + " bytes");
			}
			upload = this.longBodies.create(owner, UploadProtocol.TUS, details, new Chunk(0, null, length, false, true),
					body);
			upload = this.completion.completeIfStored(owner, upload);
			body.requireWhole();
		}
		else {
			upload = this.uploads.create(owner, UploadProtocol.TUS, details, new Chunk(0, 0L, length, false, true),
					InputStream.nullInputStream());
			upload = this.completion.completeIfStored(owner, upload);
		}
		logger.debug("tus upload {} of {} created, length {}", upload.getId(), owner, length);
		return withExpiry(ResponseEntity.status(HttpStatus.CREATED), upload)
			.location(ServletUriComponentsBuilder.fromContextPath(request)
				.path(PATH + "/{id}")
				.buildAndExpand(upload.getId())
				.toUri())
			.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.build();
	}

	private ResponseEntity<Void> createFinal(HttpServletRequest request, String owner, UploadConcat concat,
			TusMetadata metadata) {
		if (request.getHeader(UPLOAD_LENGTH) != null || request.getHeader(UPLOAD_DEFER_LENGTH) != null) {
			throw TusRequestException.badRequest("invalid-length",
					"A final upload takes its length from its partial uploads: no Upload-Length or Upload-Defer-Length");
		}
		if (TusHeaders.hasBody(request)) {
			throw TusRequestException.badRequest("unexpected-body", "A final upload takes no bytes of its own");
		}
		UploadDetails details = new UploadDetails(metadata.filename(), metadata.filetype(), metadata.raw(),
				ConcatRole.FINAL);
		ChunkedUpload upload = this.concatenation.createAndAssemble(owner, UploadProtocol.TUS, details,
				concat.partIds());
		ResponseEntity.BodyBuilder response = withExpiry(ResponseEntity.status(HttpStatus.CREATED), upload)
			.location(ServletUriComponentsBuilder.fromContextPath(request)
				.path(PATH + "/{id}")
				.buildAndExpand(upload.getId())
				.toUri());
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			response.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()));
		}
		return response.build();
	}

	@RequestMapping(method = RequestMethod.HEAD, path = "/{uploadId}")
	ResponseEntity<Void> head(@PathVariable String uploadId, HttpServletRequest request, Principal principal) {
		TusHeaders.requireVersion(request);
		String owner = principal.getName();
		ChunkedUpload upload = this.uploads.getOwnUnexpired(owner, uploadId);
		ConcatRole role = upload.getConcatRole().orElse(null);
		ResponseEntity.BodyBuilder response = ResponseEntity.ok().cacheControl(CacheControl.noStore());
		if (role == ConcatRole.FINAL) {
			upload = this.completion.finishQuietly(owner, upload);
			List<ChunkedUpload> parts = this.concatenation.partsOf(owner, upload.getId());
			response.header(UPLOAD_CONCAT, "final;"
					+ parts.stream().map((part) -> uploadUrl(request, part.getId())).collect(Collectors.joining(" ")));
			if (upload.getStatus() == UploadStatus.COMPLETE) {
				response.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()));
				response.header(UPLOAD_LENGTH, String.valueOf(upload.getOffset()));
			}
			else if (parts.stream().allMatch((part) -> part.getTotalLength().isPresent())) {
				response.header(UPLOAD_LENGTH,
						String.valueOf(parts.stream().mapToLong((part) -> part.getTotalLength().get()).sum()));
			}
		}
		else {
			upload = this.completion.finishQuietly(owner, upload);
			if (role == ConcatRole.PARTIAL) {
				response.header(UPLOAD_CONCAT, "partial");
			}
			response.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()));
			if (upload.getTotalLength().isPresent()) {
				response.header(UPLOAD_LENGTH, String.valueOf(upload.getTotalLength().get()));
			}
			else {
				response.header(UPLOAD_DEFER_LENGTH, "1");
			}
		}
		upload.getClientMetadata().ifPresent((metadata) -> response.header(UPLOAD_METADATA, metadata));
		return withExpiry(response, upload).build();
	}

	@PatchMapping("/{uploadId}")
	ResponseEntity<Void> patch(@PathVariable String uploadId, HttpServletRequest request, Principal principal)
			throws IOException {
		TusHeaders.requireVersion(request);
		TusHeaders.requireOffsetOctetStream(request);
		long offset = TusHeaders.requireNumber(request, UPLOAD_OFFSET);
		Long declaredLength = TusHeaders.optionalNumber(request, UPLOAD_LENGTH);
		IncomingBody body = IncomingBody.of(request);
		String owner = principal.getName();
		ChunkedUpload upload = this.uploads.getOwnUnexpired(owner, uploadId);
		if (upload.getConcatRole().orElse(null) == ConcatRole.FINAL) {
			throw new TusRequestException(HttpStatus.FORBIDDEN, "final-upload",
					"A final upload is built from its partial uploads and takes no PATCH");
		}
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return patchComplete(upload, offset, declaredLength, request);
		}
		Long known = upload.getTotalLength().orElse(null);
		if (declaredLength != null && known != null && !known.equals(declaredLength)) {
			throw TusRequestException.badRequest("length-changed",
					"The upload's length is " + known + " bytes and cannot change to " + declaredLength);
		}
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		if (known == null && declaredLength != null && declaredLength < offset) {
			throw TusRequestException.badRequest("invalid-length",
					"Upload-Length " + declaredLength + " is less than the " + offset + " bytes already stored");
		}
		if (declaredLength != null && declaredLength > this.maxBytes) {
			throw new UploadTooLargeException(this.maxBytes);
		}
		Long total = (known != null) ? known : declaredLength;
		long contentLength = request.getContentLengthLong();
		if (total != null && contentLength > total - offset) {
			throw new TusRequestException(HttpStatus.PAYLOAD_TOO_LARGE, "length-exceeded",
					"The body ends past the Upload-Length of " + total + " bytes");
		}
		if (contentLength > this.maxBytes - offset) {
			throw new UploadTooLargeException(this.maxBytes);
		}
		if (known == null && declaredLength != null) {
			// Fixed before the bytes, under the upload's lease, so that every limit of
			// the write path applies to them.
			upload = this.uploads.declareLength(owner, uploadId, offset, declaredLength);
		}
		upload = this.longBodies.append(upload, new Chunk(offset, null, null, false, true), body);
		upload = this.completion.completeIfStored(owner, upload);
		body.requireWhole();
		return withExpiry(ResponseEntity.status(HttpStatus.NO_CONTENT), upload)
			.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.build();
	}

	/**
	 * A PATCH to a complete upload: harmless when it says what the upload has and sends
	 * nothing (a client that did not hear the last answer), else refused as any PATCH
	 * that does not fit.
	 */
	private ResponseEntity<Void> patchComplete(ChunkedUpload upload, long offset, Long declaredLength,
			HttpServletRequest request) {
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		if (declaredLength != null && declaredLength != upload.getOffset()) {
			throw TusRequestException.badRequest("length-changed",
					"The upload is complete with " + upload.getOffset() + " bytes");
		}
		if (TusHeaders.hasBody(request) && request.getContentLengthLong() != 0) {
			throw new TusRequestException(HttpStatus.PAYLOAD_TOO_LARGE, "length-exceeded",
					"The upload is complete with " + upload.getOffset() + " bytes");
		}
		return ResponseEntity.status(HttpStatus.NO_CONTENT)
			.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.build();
	}

	@DeleteMapping("/{uploadId}")
	ResponseEntity<Void> terminate(@PathVariable String uploadId, HttpServletRequest request, Principal principal) {
		TusHeaders.requireVersion(request);
		String owner = principal.getName();
		this.uploads.getOwn(owner, uploadId);
		this.uploads.delete(new Caller(owner, false), uploadId);
		return ResponseEntity.noContent().build();
	}

	private static String uploadUrl(HttpServletRequest request, String uploadId) {
		return ServletUriComponentsBuilder.fromContextPath(request)
			.path(PATH + "/{id}")
			.buildAndExpand(uploadId)
			.toUriString();
	}

	private static ResponseEntity.BodyBuilder withExpiry(ResponseEntity.BodyBuilder builder, ChunkedUpload upload) {
		if (upload.getStatus() == UploadStatus.UPLOADING) {
			upload.getExpiresAt().ifPresent((expires) -> builder.header(UPLOAD_EXPIRES, httpDate(expires)));
		}
		return builder;
	}

	static String httpDate(Instant instant) {
		return HTTP_DATE.format(instant);
	}

	static HttpStatusCode checksumMismatch() {
		return HttpStatusCode.valueOf(460);
	}

}
