package dev.chunkedupload.storage.s3;

import java.util.ArrayList;
import java.util.List;

import dev.chunkedupload.storage.StoredObjectNotFoundException;
import dev.chunkedupload.storage.s3.S3Sessions.Part;
import dev.chunkedupload.storage.s3.S3Sessions.Session;

/**
 * Completed objects joined inside S3: each becomes one or more parts of the upload's
 * multipart upload by {@code UploadPartCopy}, so no byte passes through the instance.
 * S3's rules decide where that works: every part but the last at least 5 MiB, at most 5
 * GiB copied per part (a larger object is copied in ranges), at most 10,000 parts.
 * <p>
 * The parts differ in size, unlike the parts of an appended upload: stores that insist on
 * equal parts (Cloudflare R2) refuse such a multipart upload at completion.
 */
final class S3PartCopies {

	/** S3's largest part, and the most one {@code UploadPartCopy} copies. */
	static final long MAX_COPY = 5L * 1024 * 1024 * 1024;

	private final S3Objects objects;

	private final S3Sessions sessions;

	S3PartCopies(S3Objects objects, S3Sessions sessions) {
		this.objects = objects;
		this.sessions = sessions;
	}

	/**
	 * Whether objects of these sizes can be joined by copies from the start of an upload.
	 * Bytes already in an upload cannot go before a copied part (a staged tail is below
	 * the minimum part size), so only an empty upload is joined.
	 */
	static boolean fit(long offset, List<Long> sizes) {
		return offset == 0 && ranges(sizes) != null;
	}

	/**
	 * Copy the sources into a new multipart upload of a session that holds nothing, and
	 * record its parts.
	 * @param session the upload, begun and empty
	 * @param sources the completed objects' keys
	 * @return the upload's length after them
	 */
	long copy(Session session, List<String> sources) {
		List<Long> sizes = new ArrayList<>();
		for (String source : sources) {
			long size = this.objects.size(source);
			if (size < 0) {
				throw new StoredObjectNotFoundException(source);
			}
			sizes.add(size);
		}
		List<Range> ranges = ranges(sizes);
		if (session.length() != 0 || ranges == null) {
			throw new UnsupportedOperationException(
					"S3 cannot copy objects of " + sizes + " bytes into " + session.key() + " as parts");
		}
		String multipartId = this.objects.createMultipart(session.key());
		try {
			List<Part> parts = new ArrayList<>();
			long length = 0;
			for (Range range : ranges) {
				int number = parts.size() + 1;
				String etag = this.objects.uploadPartCopy(sources.get(range.source()), range.first(), range.length(),
						session.key(), multipartId, number);
				parts.add(new Part(number, range.length(), etag));
				length += range.length();
			}
			this.sessions.save(session.with(multipartId, parts.size(), length, null, 0), parts);
			return length;
		}
		catch (RuntimeException ex) {
			this.objects.abortMultipart(session.key(), multipartId);
			throw ex;
		}
	}

	/**
	 * The copies that join objects of these sizes, or {@code null} if S3's rules do not
	 * allow it. An empty last object adds nothing; any other object below the minimum
	 * part size but the last makes a part S3 refuses.
	 */
	static List<Range> ranges(List<Long> sizes) {
		List<Range> ranges = new ArrayList<>();
		for (int i = 0; i < sizes.size(); i++) {
			long size = sizes.get(i);
			boolean last = i == sizes.size() - 1;
			if (!last && size < S3UploadStore.MIN_PART_SIZE) {
				return null;
			}
			long pieces = (size + MAX_COPY - 1) / MAX_COPY;
			long piece = (pieces > 0) ? (size + pieces - 1) / pieces : 0;
			for (long first = 0; first < size; first += piece) {
				ranges.add(new Range(i, first, Math.min(piece, size - first)));
			}
			if (ranges.size() > S3UploadStore.MAX_PARTS) {
				return null;
			}
		}
		if (ranges.isEmpty()) {
			return null;
		}
		// One part size but for the last, as for every other upload: R2 refuses to
		// complete anything else. tus-js-client's parallel uploads cut a file so.
		for (Range range : ranges.subList(0, ranges.size() - 1)) {
			if (range.length() != ranges.get(0).length()) {
				return null;
			}
		}
		return ranges;
	}

	/**
	 * One {@code UploadPartCopy}.
	 *
	 * @param source which object, by its index
	 * @param first its first byte copied
	 * @param length how many bytes
	 */
	record Range(int source, long first, long length) {

	}

}
