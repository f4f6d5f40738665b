package dev.chunkedupload.protocol.tus;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.chunkedupload.upload.KeptBody;
import dev.chunkedupload.upload.error.ChecksumMismatchException;
import dev.chunkedupload.upload.error.ChunkInterruptedException;

/**
 * A body whose checksum is verified when it ends, before the core records anything: a
 * mismatch (or a body that broke off, since the checksum covers all of it) throws from
 * the last read, so the core discards the chunk, cuts the file back and records nothing.
 * <p>
 * With a checksum trailer the algorithm is only known at the end, so every supported
 * digest is computed on the way.
 */
final class VerifiedBody extends InputStream {

	private final KeptBody body;

	private final UploadChecksum header;

	private final Supplier<String> trailer;

	private final Map<String, MessageDigest> digests = new LinkedHashMap<>();

	private boolean ended;

	/**
	 * @param body the body
	 * @param header the checksum from the request header, or {@code null} for one from
	 * the trailer
	 * @param trailer reads the {@code Upload-Checksum} trailer once the body has ended
	 */
	VerifiedBody(KeptBody body, UploadChecksum header, Supplier<String> trailer) {
		this.body = body;
		this.header = header;
		this.trailer = trailer;
		if (header != null) {
			this.digests.put(header.algorithm(), UploadChecksum.newDigest(header.algorithm()));
		}
		else {
			UploadChecksum.ALGORITHMS.keySet()
				.forEach((algorithm) -> this.digests.put(algorithm, UploadChecksum.newDigest(algorithm)));
		}
	}

	@Override
	public int read() {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] buffer, int offset, int length) {
		if (this.ended) {
			return -1;
		}
		int n = this.body.read(buffer, offset, length);
		if (n > 0) {
			for (MessageDigest digest : this.digests.values()) {
				digest.update(buffer, offset, n);
			}
			return n;
		}
		this.ended = true;
		verify();
		return -1;
	}

	private void verify() {
		if (this.body.interrupted()) {
			throw new ChunkInterruptedException("The request body broke off after " + this.body.received()
					+ " bytes; with a checksum none of them is kept", this.body.failure());
		}
		UploadChecksum expected = this.header;
		if (expected == null) {
			String value = this.trailer.get();
			if (value == null) {
				throw TusRequestException.badRequest("missing-checksum",
						"The request announced an Upload-Checksum trailer but sent none");
			}
			expected = UploadChecksum.parse(value);
		}
		byte[] actual = this.digests.get(expected.algorithm()).digest();
		if (!MessageDigest.isEqual(actual, expected.digest())) {
			throw new ChecksumMismatchException(expected.algorithm() + " " + expected.encoded(),
					expected.algorithm() + " " + Base64.getEncoder().encodeToString(actual));
		}
	}

}
