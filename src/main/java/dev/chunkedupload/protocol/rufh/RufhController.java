package dev.chunkedupload.protocol.rufh;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chunkedupload.upload.ImplicitCompletion;
import dev.chunkedupload.upload.KeptBody;
import dev.chunkedupload.upload.LongBodyUploads;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.UploadTooLargeException;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.InputLimits;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
 * Resumable Uploads for HTTP at {@code /api/rufh}: creation by {@code POST} (with all,
 * some or none of the bytes), each upload at {@code /api/rufh/{upload_id}} (the id of
 * {@code /api/uploads}) with {@code HEAD} for its offset, {@code PATCH} with
 * {@code application/partial-upload} to append and {@code DELETE} to cancel, and
 * {@code OPTIONS} for the limits.
 * <p>
 * Each handler keeps tus's order: the interop version and the fields (nothing loaded,
 * nothing read), then the upload (404 for another user's), its state, the offset (409),
 * the lengths (400), and only then the body, streamed into the core. A creation with a
 * body makes the upload first and tells the client where it is (the 104 interim response,
 * where the container can send it) before a byte is read, so that a body that breaks off
 * can be resumed. The upload completes when the client says so, never merely because the
 * bytes it announced have arrived.
 */
@RestController
@RequestMapping(Rufh.PATH)
class RufhController {

	private static final Logger logger = LoggerFactory.getLogger(RufhController.class);

	private final UploadService uploads;

	private final LongBodyUploads longBodies;

	private final ImplicitCompletion completion;

	private final InterimResponses interim;

	private final Clock clock;

	private final long maxBytes;

	private final long maxAppendSize;

	private final Duration expiration;

	private final InputLimits limits;

	RufhController(UploadService uploads, LongBodyUploads longBodies, ImplicitCompletion completion,
			InterimResponses interim, UploadProperties properties, InputLimits limits, Clock clock) {
		this.uploads = uploads;
		this.longBodies = longBodies;
		this.limits = limits;
		this.completion = completion;
		this.interim = interim;
		this.clock = clock;
		this.maxBytes = properties.maxBytes().toBytes();
		this.maxAppendSize = properties.maxChunkSize().toBytes();
		this.expiration = properties.expiration();
	}

	/** 200 rather than 204: some browsers refuse a 204 answer to a preflight. */
	@RequestMapping(method = RequestMethod.OPTIONS, path = { "", "/{uploadId}" })
	ResponseEntity<Void> options(HttpServletRequest request) {
		InteropVersion version = InteropVersion.of(request);
		return ResponseEntity.ok()
			.header(InteropVersion.HEADER, version.number())
			.header(Rufh.UPLOAD_LIMIT, limit(version, this.expiration.toSeconds()))
			.build();
	}

	@PostMapping
	ResponseEntity<Void> create(HttpServletRequest request, Principal principal) throws IOException {
		InteropVersion version = InteropVersion.of(request);
		boolean complete = version.completes(request);
		Long length = StructuredFields.integer(request.getHeader(Rufh.UPLOAD_LENGTH));
		long contentLength = request.getContentLengthLong();
		Long total = (length != null) ? length : (complete && contentLength >= 0) ? contentLength : null;
		// The limit first: a length past max-size is refused as such (413, with the
		// limits), whatever else is wrong with the request.
		if (total != null && total > this.maxBytes) {
			throw new UploadTooLargeException(this.maxBytes);
		}
		checkLengths(0, length, contentLength, complete);
		checkAppendSize(contentLength);
		String owner = principal.getName();
		String filename = filename(request);
		this.limits.requireFilename(filename);
		UploadDetails details = new UploadDetails(filename, mediaType(request), null, null);
		ChunkedUpload upload = this.uploads.create(owner, UploadProtocol.RUFH, details,
				new Chunk(0, 0L, total, false, true), InputStream.nullInputStream());
		String location = uploadUrl(request, upload.getId());
		if (hasBody(request)) {
			this.interim.uploadResumptionSupported(request, version, location, limit(version, upload));
			upload = append(owner, upload, request);
		}
		if (complete) {
			upload = finish(owner, upload);
		}
		logger.debug("rufh upload {} of {} created, length {}, complete {}", upload.getId(), owner, total, complete);
		boolean done = upload.getStatus() == UploadStatus.COMPLETE;
		return ResponseEntity.status(HttpStatus.CREATED)
			.header(HttpHeaders.LOCATION, location)
			.header(InteropVersion.HEADER, version.number())
			.header(Rufh.UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.headers((headers) -> version.putComplete(headers, done))
			.header(Rufh.UPLOAD_LIMIT, limit(version, upload))
			.build();
	}

	@RequestMapping(method = RequestMethod.HEAD, path = "/{uploadId}")
	ResponseEntity<Void> head(@PathVariable String uploadId, HttpServletRequest request, Principal principal) {
		InteropVersion version = InteropVersion.of(request);
		// A completion that failed after the last byte was recorded (a storage error on
		// the rename) is finished here, so the client's offset retrieval sees it done.
		ChunkedUpload upload = this.completion.finishQuietly(principal.getName(),
				this.uploads.getOwnUnexpired(principal.getName(), uploadId));
		boolean complete = upload.getStatus() == UploadStatus.COMPLETE;
		ResponseEntity.HeadersBuilder<?> response = ResponseEntity.noContent()
			.cacheControl(CacheControl.noStore())
			.header(InteropVersion.HEADER, version.number())
			.header(Rufh.UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.headers((headers) -> version.putComplete(headers, complete))
			.header(Rufh.UPLOAD_LIMIT, limit(version, upload));
		upload.getTotalLength().ifPresent((length) -> response.header(Rufh.UPLOAD_LENGTH, String.valueOf(length)));
		return response.build();
	}

	@PatchMapping("/{uploadId}")
	ResponseEntity<Void> append(@PathVariable String uploadId, HttpServletRequest request, Principal principal)
			throws IOException {
		InteropVersion version = InteropVersion.of(request);
		requirePartialUpload(request);
		Long offset = StructuredFields.integer(request.getHeader(Rufh.UPLOAD_OFFSET));
		if (offset == null) {
			throw RufhRequestException.badRequest("missing-upload-offset",
					"Upload-Offset is required, as a non-negative integer");
		}
		boolean complete = version.completes(request);
		Long length = StructuredFields.integer(request.getHeader(Rufh.UPLOAD_LENGTH));
		long contentLength = request.getContentLengthLong();
		String owner = principal.getName();
		ChunkedUpload upload = this.uploads.getOwnUnexpired(owner, uploadId);
		if (upload.getStatus() == UploadStatus.COMPLETE) {
			return appendToComplete(version, upload, offset, request);
		}
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		Long known = upload.getTotalLength().orElse(null);
		if (length != null && known != null && !known.equals(length)) {
			throw RufhRequestException.inconsistentLength("The upload's length is " + known + " bytes, not " + length);
		}
		checkLengths(offset, (known != null) ? known : length, contentLength, complete);
		checkAppendSize(contentLength);
		if (known == null && length != null) {
			if (length > this.maxBytes) {
				throw new UploadTooLargeException(this.maxBytes);
			}
			upload = this.uploads.declareLength(owner, uploadId, offset, length);
		}
		if (hasBody(request)) {
			upload = append(owner, upload, request);
		}
		if (complete) {
			upload = finish(owner, upload);
		}
		boolean done = upload.getStatus() == UploadStatus.COMPLETE;
		return ResponseEntity.noContent()
			.header(InteropVersion.HEADER, version.number())
			.header(Rufh.UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
			.headers((headers) -> version.putComplete(headers, done))
			.build();
	}

	/**
	 * An append to a complete upload: harmless when it adds nothing at the upload's end
	 * (a client that did not hear the last answer and says complete again); otherwise
	 * refused, with the draft -09 to -11 problem type to clients of those drafts.
	 */
	private ResponseEntity<Void> appendToComplete(InteropVersion version, ChunkedUpload upload, long offset,
			HttpServletRequest request) {
		boolean nothingMore = !hasBody(request) || request.getContentLengthLong() == 0;
		if (offset == upload.getOffset() && nothingMore && version.completes(request)) {
			return ResponseEntity.noContent()
				.header(InteropVersion.HEADER, version.number())
				.header(Rufh.UPLOAD_OFFSET, String.valueOf(upload.getOffset()))
				.headers((headers) -> version.putComplete(headers, true))
				.build();
		}
		if (version == InteropVersion.V8) {
			throw new RufhRequestException(HttpStatus.BAD_REQUEST, Rufh.COMPLETED_UPLOAD,
					"The upload is complete with " + upload.getOffset() + " bytes and takes no more");
		}
		if (offset != upload.getOffset()) {
			throw new OffsetMismatchException(upload.getOffset(), offset);
		}
		throw RufhRequestException
			.inconsistentLength("The upload is complete with " + upload.getOffset() + " bytes and takes no more");
	}

	@DeleteMapping("/{uploadId}")
	ResponseEntity<Void> cancel(@PathVariable String uploadId, HttpServletRequest request, Principal principal) {
		InteropVersion version = InteropVersion.of(request);
		String owner = principal.getName();
		this.uploads.getOwn(owner, uploadId);
		// The draft asks a server to stop an append that is still running when its upload
		// is cancelled, rather than make the client wait for it.
		this.uploads.cancel(new Caller(owner, false), uploadId);
		return ResponseEntity.noContent().header(InteropVersion.HEADER, version.number()).build();
	}

	/**
	 * Store the request's body at the upload's offset, keeping what arrived if it breaks
	 * off, and only then report the break.
	 */
	private ChunkedUpload append(String owner, ChunkedUpload upload, HttpServletRequest request) throws IOException {
		KeptBody body = new KeptBody(request.getInputStream());
		ChunkedUpload appended = this.longBodies.append(upload, new Chunk(upload.getOffset(), null, null, false, true),
				body);
		body.requireWhole();
		return appended;
	}

	/**
	 * The client says the upload is complete: its length is what has arrived, unless it
	 * announced another, in which case its bytes contradict it.
	 */
	private ChunkedUpload finish(String owner, ChunkedUpload upload) {
		Long known = upload.getTotalLength().orElse(null);
		if (known != null && known != upload.getOffset()) {
			throw RufhRequestException.inconsistentLength("The upload is " + known + " bytes long but ends after "
					+ upload.getOffset() + "; send the rest with Upload-Offset: " + upload.getOffset());
		}
		return (known == null) ? this.uploads.complete(owner, upload.getId(), null)
				: this.completion.completeIfStored(owner, upload);
	}

	/**
	 * The lengths a request states, checked against each other before a byte is read: the
	 * body may not end past the upload's length, and a body that completes the upload
	 * must end exactly at it.
	 */
	private static void checkLengths(long offset, Long length, long contentLength, boolean complete) {
		if (length == null || contentLength < 0) {
			return;
		}
		long end = offset + contentLength;
		if (end > length || (complete && end != length)) {
			throw RufhRequestException.inconsistentLength("A body of " + contentLength + " bytes at offset " + offset
					+ (complete ? " does not complete" : " ends past") + " an upload of " + length + " bytes");
		}
	}

	private void checkAppendSize(long contentLength) {
		if (contentLength > this.maxAppendSize) {
			throw new RufhRequestException(HttpStatus.CONTENT_TOO_LARGE, "append-too-large",
					"One request may carry at most " + this.maxAppendSize + " bytes (Upload-Limit max-append-size)");
		}
	}

	private static void requirePartialUpload(HttpServletRequest request) {
		String type = request.getContentType();
		if (type == null || !Rufh.PARTIAL_UPLOAD.equals(essence(type))) {
			throw new RufhRequestException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					"An append must be sent as Content-Type: " + Rufh.PARTIAL_UPLOAD);
		}
	}

	private String limit(InteropVersion version, ChunkedUpload upload) {
		Long seconds = upload.getExpiresAt()
			.map((expires) -> Math.max(0, Duration.between(this.clock.instant(), expires).toSeconds()))
			.orElse(null);
		return limit(version, seconds);
	}

	private String limit(InteropVersion version, Long seconds) {
		Map<String, Long> members = new LinkedHashMap<>();
		members.put("max-size", this.maxBytes);
		members.put("max-append-size", this.maxAppendSize);
		if (seconds != null) {
			members.put(version.lifetimeKey(), seconds);
		}
		return StructuredFields.dictionary(members);
	}

	private static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	/**
	 * The representation's media type, kept with the upload as tus keeps
	 * {@code filetype}. {@code application/partial-upload} says how the bytes are sent,
	 * not what they are: tus-js-client's {@code ietf-draft-05} mode sends it on a
	 * creation that carries data, and the download would otherwise be labelled with it.
	 */
	private static String mediaType(HttpServletRequest request) {
		String type = request.getContentType();
		if (type == null || type.length() > 255 || Rufh.PARTIAL_UPLOAD.equals(essence(type))) {
			return null;
		}
		return type;
	}

	private static String essence(String type) {
		return type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
	}

	/**
	 * The draft has no metadata; a {@code Content-Disposition} file name is what HTTP
	 * has.
	 */
	private static String filename(HttpServletRequest request) {
		String disposition = request.getHeader(HttpHeaders.CONTENT_DISPOSITION);
		if (disposition == null) {
			return null;
		}
		try {
			return org.springframework.http.ContentDisposition.parse(disposition).getFilename();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static String uploadUrl(HttpServletRequest request, String uploadId) {
		return ServletUriComponentsBuilder.fromContextPath(request)
			.path(Rufh.PATH + "/{id}")
			.buildAndExpand(uploadId)
			.toUriString();
	}

}
