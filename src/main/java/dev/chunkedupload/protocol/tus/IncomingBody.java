package dev.chunkedupload.protocol.tus;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import dev.chunkedupload.upload.KeptBody;
import dev.chunkedupload.upload.LongBody;
import dev.chunkedupload.upload.error.ChunkInterruptedException;

/**
 * The bytes of a tus request on their way to the core: in pieces of at most the chunk
 * limit, or, with a checksum in the {@code Upload-Checksum} header or announced as a
 * trailer, in one verified piece.
 */
final class IncomingBody implements LongBody {

	private boolean started;

	private final KeptBody body;

	private final VerifiedBody verified;

	private IncomingBody(KeptBody body, VerifiedBody verified) {
		this.body = body;
		this.verified = verified;
	}

	/**
	 * Read the checksum headers of a request (nothing of the body yet).
	 * @param request the request
	 * @return its body
	 * @throws TusRequestException 400 for a malformed or unsupported checksum, or a
	 * trailer announced on a body that cannot carry one
	 */
	static IncomingBody of(HttpServletRequest request) throws IOException {
		String header = request.getHeader(TusController.UPLOAD_CHECKSUM);
		UploadChecksum checksum = (header != null) ? UploadChecksum.parse(header) : null;
		boolean trailer = checksum == null && announcesChecksumTrailer(request);
		if (trailer && request.getContentLengthLong() >= 0) {
			throw TusRequestException.badRequest("invalid-checksum",
					"An Upload-Checksum trailer needs a chunked body (Transfer-Encoding: chunked)");
		}
		KeptBody body = new KeptBody(request.getInputStream());
		VerifiedBody verified = (checksum != null || trailer)
				? new VerifiedBody(body, checksum, () -> checksumTrailer(request)) : null;
		return new IncomingBody(body, verified);
	}

	/**
	 * The servlet API promises lower-case trailer names, but Tomcat hands them over as
	 * the client wrote them.
	 */
	private static String checksumTrailer(HttpServletRequest request) {
		return request.getTrailerFields()
			.entrySet()
			.stream()
			.filter((field) -> field.getKey().equalsIgnoreCase(TusController.UPLOAD_CHECKSUM))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
	}

	private static boolean announcesChecksumTrailer(HttpServletRequest request) {
		return Collections.list(request.getHeaders("Trailer"))
			.stream()
			.flatMap((value) -> Arrays.stream(value.split(",")))
			.anyMatch((name) -> name.strip().equalsIgnoreCase(TusController.UPLOAD_CHECKSUM));
	}

	/**
	 * The next piece for the core: a verified body is one piece, whatever its length, so
	 * that its checksum is checked over all of it (and it is refused over the chunk
	 * limit).
	 */
	@Override
	public InputStream nextPiece(long maxPiece) {
		boolean first = !this.started;
		this.started = true;
		return (this.verified != null && first) ? this.verified : this.body.limit(maxPiece);
	}

	/**
	 * Whether another piece follows (never for a verified body, which is one piece).
	 * @return {@code true} if bytes are left
	 */
	@Override
	public boolean hasMorePieces() {
		return this.verified == null && this.body.hasMore();
	}

	/**
	 * After the bytes that arrived are stored: report a body that broke off. The client
	 * is gone, so this mostly ends the request and says so in the log.
	 */
	void requireWhole() {
		if (this.body.interrupted()) {
			throw new ChunkInterruptedException("The request body broke off after " + this.body.received()
					+ " bytes; they are stored and the upload continues from there", this.body.failure());
		}
	}

}
