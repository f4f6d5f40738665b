package dev.chunkedupload.protocol.tus;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.upload.Caller;
import dev.chunkedupload.upload.Chunk;
import dev.chunkedupload.upload.ConcatRole;
import dev.chunkedupload.upload.OffsetMismatchException;
import dev.chunkedupload.upload.Upload;
import dev.chunkedupload.upload.UploadBusyException;
import dev.chunkedupload.upload.UploadConcatenation;
import dev.chunkedupload.upload.UploadDetails;
import dev.chunkedupload.upload.UploadException;
import dev.chunkedupload.upload.UploadExpiredException;
import dev.chunkedupload.upload.UploadNotFoundException;
import dev.chunkedupload.upload.UploadProperties;
import dev.chunkedupload.upload.UploadProtocol;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.UploadStatus;
import dev.chunkedupload.upload.UploadTooLargeException;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
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
 * The core refuses a single chunk over {@code max-chunk-size}, but tus clients send the
 * rest of a file in one {@code PATCH} (tus-js-client's default chunk size is unlimited)
 * and an interrupted {@code PATCH} keeps what arrived anyway, so a long body is handed to
 * the core in pieces of that size, each synced and recorded before the next. A body with
 * a checksum is the exception: its checksum covers all of it, so it goes to the core in
 * one piece and is refused over the limit.
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

	private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f]{32}");

	private static final int ASSEMBLY_ATTEMPTS = 10;

	private static final Duration ASSEMBLY_RETRY_DELAY = Duration.ofMillis(50);

	private static final Pattern NUMBER = Pattern.compile("\\d{1,19}");

	/** RFC 9110's IMF-fixdate, which tus asks for in Upload-Expires. */
	private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private final UploadService uploads;

	private final UploadConcatenation concatenation;

	private final long maxBytes;

	private final long maxChunkSize;

	TusController(UploadService uploads, UploadConcatenation concatenation, UploadProperties properties) {
		this.uploads = uploads;
		this.concatenation = concatenation;
		this.maxBytes = properties.maxBytes().toBytes();
		this.maxChunkSize = properties.maxChunkSize().toBytes();
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
		requireVersion(request);
		String owner = principal.getName();
		String concatHeader = request.getHeader(UPLOAD_CONCAT);
		UploadConcat concat = (concatHeader != null) ? UploadConcat.parse(concatHeader, request.getContextPath())
				: null;
		TusMetadata metadata = TusMetadata.parse(request.getHeader(UPLOAD_METADATA));
		if (concat != null && !concat.partial()) {
			return createFinal(request, owner, concat, metadata);
		}
		Long length = lengthOf(request);
		UploadDetails details = new UploadDetails(metadata.filename(), metadata.filetype(), metadata.raw(),
				(concat != null) ? ConcatRole.PARTIAL : null);
		Upload upload;
		if (hasBody(request)) {
			requireOffsetOctetStream(request);
			IncomingBody body = IncomingBody.of(request);
			if (length != null && request.getContentLengthLong() > length) {
				throw new TusRequestException(HttpStatus.PAYLOAD_TOO_LARGE, "length-exceeded",
						"The body is longer than the Upload-Length of " + length + " bytes");
			}
			upload = this.uploads.create(owner, UploadProtocol.TUS, details, new Chunk(0, null, length, false, true),
					body.firstPiece(this.maxChunkSize));
			upload = appendRest(owner, upload, body);
			upload = completeIfDone(owner, upload);
			body.requireWhole();
		}
		else {
			upload = this.uploads.create(owner, UploadProtocol.TUS, details, new Chunk(0, 0L, length, false, true),
					InputStream.nullInputStream());
			upload = completeIfDone(owner, upload);
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
		if (hasBody(request)) {
			throw TusRequestException.badRequest("unexpected-body", "A final upload takes no bytes of its own");
		}
		UploadDetails details = new UploadDetails(metadata.filename(), metadata.filetype(), metadata.raw(),
				ConcatRole.FINAL);
		Upload created = this.concatenation.createFinal(owner, UploadProtocol.TUS, details, concat.partIds());
		Upload upload;
		try {
			upload = assembleRetryingWhileBusy(owner, created.getId());
		}
		catch (UploadBusyException ex) {
			// Gone again, so that it does not hold on to its parts while the client
			// retries
			this.uploads.delete(new Caller(owner, false), created.getId());
			throw ex;
		}
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
		requireVersion(request);
		String owner = principal.getName();
		Upload upload = load(owner, uploadId);
		ConcatRole role = upload.getConcatRole().orElse(null);
		ResponseEntity.BodyBuilder response = ResponseEntity.ok().cacheControl(CacheControl.noStore());
		if (role == ConcatRole.FINAL) {
			upload = assembleQuietly(owner, upload);
			List<Upload> parts = this.concatenation.partsOf(owner, upload.getId());
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
			upload = completeQuietly(owner, upload);
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
		requireVersion(request);
		requireOffsetOctetStream(request);
		long offset = requireNumber(request, UPLOAD_OFFSET);
		Long declaredLength = optionalNumber(request, UPLOAD_LENGTH);
		IncomingBody body = IncomingBody.of(request);
		String owner = principal.getName();
		Upload upload = load(owner, uploadId);
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
			// the
			// write path applies to them.
			this.uploads.declareLength(owner, uploadId, offset, declaredLength);
		}
		upload = this.uploads.append(owner, uploadId, new Chunk(offset, null, null, false, true),
				body.firstPiece(this.maxChunkSize));
		upload = appendRest(owner, upload, body);
		upload = completeIfDone(owner, upload);
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
	private ResponseEntity<Void> patchComplete(Upload upload, long offset, Long declaredLength,
			HttpServletRequest request) {
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		if (declaredLength != null && declaredLength != upload.getOffset()) {
			throw TusRequestException.badRequest("length-changed",
					"The upload is complete with " + upload.getOffset() + " bytes");
		}
		if (hasBody(request) && request.getContentLengthLong() != 0) {
			throw new TusRequestException(HttpStatus.PAYLOAD_TOO_LARGE, "length-exceeded",
					"The upload is complete with " + upload.getOffset() + " bytes");
		}
		return ResponseEntity.status(HttpStatus.NO_CONTENT)
			.header(UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.build();
	}

	@DeleteMapping("/{uploadId}")
	ResponseEntity<Void> terminate(@PathVariable String uploadId, HttpServletRequest request, Principal principal) {
		requireVersion(request);
		String owner = principal.getName();
		requireUploadId(uploadId);
		this.uploads.getOwn(owner, uploadId);
		this.uploads.delete(new Caller(owner, false), uploadId);
		return ResponseEntity.noContent().build();
	}

	/**
	 * The rest of a body after its first piece, one piece of at most the chunk limit at a
	 * time.
	 */
	private Upload appendRest(String owner, Upload upload, IncomingBody body) {
		Upload current = upload;
		while (body.hasMorePieces()) {
			current = this.uploads.append(owner, current.getId(),
					new Chunk(current.getOffset(), null, null, false, true), body.nextPiece(this.maxChunkSize));
		}
		return current;
	}

	/**
	 * tus has no completion request: an upload is complete when its last byte is stored.
	 * A completed partial upload may be the last one a waiting final upload needs
	 * (concatenation-unfinished).
	 */
	private Upload completeIfDone(String owner, Upload upload) {
		if (upload.getStatus() != UploadStatus.UPLOADING || upload.getConcatRole().orElse(null) == ConcatRole.FINAL
				|| upload.getTotalLength().isEmpty() || upload.getOffset() != upload.getTotalLength().get()) {
			return upload;
		}
		Upload completed = this.uploads.complete(owner, upload.getId(), null);
		if (completed.getConcatRole().orElse(null) == ConcatRole.PARTIAL) {
			for (String finalId : this.concatenation.finalsWaitingFor(completed.getId())) {
				assembleWaitingFinal(owner, finalId, completed.getId());
			}
		}
		return completed;
	}

	/**
	 * Assemble a final upload that this partial upload may have completed. Two parts that
	 * complete at the same moment can each find the other's lease or the final upload's
	 * still held; a few short retries make sure one of them assembles it.
	 */
	private void assembleWaitingFinal(String owner, String finalId, String partId) {
		try {
			assembleRetryingWhileBusy(owner, finalId);
		}
		catch (UploadBusyException ex) {
			logger.info("Final upload {} busy after partial upload {} completed; a HEAD assembles it", finalId, partId);
		}
		catch (UploadException | StorageException ex) {
			logger.info("Final upload {} not assembled after partial upload {} completed: {}", finalId, partId,
					ex.getMessage());
		}
	}

	private Upload assembleRetryingWhileBusy(String owner, String finalId) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.concatenation.assembleIfReady(owner, finalId);
			}
			catch (UploadBusyException ex) {
				if (attempt == ASSEMBLY_ATTEMPTS) {
					throw ex;
				}
				sleep(ASSEMBLY_RETRY_DELAY);
			}
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A HEAD finishes what a request that died after storing the last byte could not: a
	 * client that sees all its bytes stored expects the upload to be complete.
	 */
	private Upload completeQuietly(String owner, Upload upload) {
		try {
			return completeIfDone(owner, upload);
		}
		catch (UploadException | StorageException ex) {
			logger.info("Completing tus upload {} on HEAD failed: {}", upload.getId(), ex.getMessage());
			return upload;
		}
	}

	private Upload assembleQuietly(String owner, Upload upload) {
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return upload;
		}
		try {
			return this.concatenation.assembleIfReady(owner, upload.getId());
		}
		catch (UploadException | StorageException ex) {
			logger.info("Assembling final upload {} on HEAD failed: {}", upload.getId(), ex.getMessage());
			return upload;
		}
	}

	/**
	 * Another user's upload, an aborted one and a malformed id are all simply not found.
	 */
	private Upload load(String owner, String uploadId) {
		requireUploadId(uploadId);
		Upload upload = this.uploads.getOwn(owner, uploadId);
		if (this.uploads.statusOf(upload) == UploadStatus.EXPIRED) {
			throw new UploadExpiredException(uploadId);
		}
		return upload;
	}

	private static void requireUploadId(String uploadId) {
		if (!UPLOAD_ID.matcher(uploadId).matches()) {
			throw new UploadNotFoundException(uploadId.length() > 64 ? uploadId.substring(0, 64) : uploadId);
		}
	}

	/** The length of a new upload: Upload-Length, or null for Upload-Defer-Length: 1. */
	private static Long lengthOf(HttpServletRequest request) {
		Long length = optionalNumber(request, UPLOAD_LENGTH);
		String defer = request.getHeader(UPLOAD_DEFER_LENGTH);
		if (defer != null && !defer.strip().equals("1")) {
			throw TusRequestException.badRequest("invalid-defer-length", "Upload-Defer-Length must be 1");
		}
		if ((length == null) == (defer == null)) {
			throw TusRequestException.badRequest("invalid-length",
					"Creation needs exactly one of Upload-Length and Upload-Defer-Length: 1");
		}
		return length;
	}

	static void requireVersion(HttpServletRequest request) {
		String version = request.getHeader(TUS_RESUMABLE);
		if (version == null || !version.strip().equals(VERSION)) {
			throw new TusRequestException(HttpStatus.PRECONDITION_FAILED, "unsupported-version", (version == null)
					? "Tus-Resumable is required; this server speaks " + VERSION
					: "Tus-Resumable " + printable(version) + " is not supported; this server speaks " + VERSION);
		}
	}

	private static void requireOffsetOctetStream(HttpServletRequest request) {
		String type = request.getContentType();
		String essence = (type != null) ? type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT) : null;
		if (!OFFSET_OCTET_STREAM.equals(essence)) {
			throw new TusRequestException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					"Bytes must be sent as Content-Type: " + OFFSET_OCTET_STREAM);
		}
	}

	private static long requireNumber(HttpServletRequest request, String name) {
		Long value = optionalNumber(request, name);
		if (value == null) {
			throw TusRequestException.badRequest("missing-" + name.toLowerCase(Locale.ROOT), name + " is required");
		}
		return value;
	}

	private static Long optionalNumber(HttpServletRequest request, String name) {
		List<String> values = Collections.list(request.getHeaders(name));
		if (values.isEmpty()) {
			return null;
		}
		String value = values.get(0).strip();
		if (values.size() > 1 || !NUMBER.matcher(value).matches()) {
			throw TusRequestException.badRequest("invalid-" + name.toLowerCase(Locale.ROOT),
					name + " must be one non-negative integer, got '" + printable(String.join(",", values)) + "'");
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw TusRequestException.badRequest("invalid-" + name.toLowerCase(Locale.ROOT), name + " is too large");
		}
	}

	static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	private static String uploadUrl(HttpServletRequest request, String uploadId) {
		return ServletUriComponentsBuilder.fromContextPath(request)
			.path(PATH + "/{id}")
			.buildAndExpand(uploadId)
			.toUriString();
	}

	private static ResponseEntity.BodyBuilder withExpiry(ResponseEntity.BodyBuilder builder, Upload upload) {
		if (upload.getStatus() == UploadStatus.UPLOADING) {
			upload.getExpiresAt().ifPresent((expires) -> builder.header(UPLOAD_EXPIRES, httpDate(expires)));
		}
		return builder;
	}

	static String httpDate(Instant instant) {
		return HTTP_DATE.format(instant);
	}

	static String printable(String value) {
		String shown = (value.length() > 80) ? value.substring(0, 80) + "..." : value;
		return shown.replaceAll("[^\\x20-\\x7e]", "?");
	}

	static HttpStatusCode checksumMismatch() {
		return HttpStatusCode.valueOf(460);
	}

}
