package dev.chunkedupload.protocol.tus;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Upload-Concat} header of the concatenation extension: {@code partial}, or
 * {@code final;} followed by the space-separated URLs of the partial uploads, absolute or
 * relative.
 *
 * @param partial whether this is a partial upload
 * @param partIds for a final upload, the ids named by the URLs, in order
 */
record UploadConcat(boolean partial, List<String> partIds) {

	static final int MAX_PARTS = 1000;

	private static final Pattern UPLOAD_PATH = Pattern.compile("/api/tus/([0-9a-f]{32})");

	/**
	 * Parse the header.
	 * @param header the value
	 * @param contextPath the application's context path, which upload URLs start with
	 * @return the concatenation
	 * @throws TusRequestException (400) if malformed or a URL names no upload of this
	 * server
	 */
	static UploadConcat parse(String header, String contextPath) {
		return parse(header, contextPath, MAX_PARTS);
	}

	/**
	 * Parse the header, refusing more partial uploads than a limit.
	 * @param header the value
	 * @param contextPath the application's context path, which upload URLs start with
	 * @param maxParts the most partial uploads one final upload may join
	 * @return the concatenation
	 * @throws TusRequestException (400) if malformed, past the limit, or a URL names no
	 * upload of this server
	 */
	static UploadConcat parse(String header, String contextPath, int maxParts) {
		String value = header.strip();
		if (value.equals("partial")) {
			return new UploadConcat(true, List.of());
		}
		if (!value.startsWith("final;")) {
			throw invalid("it must be 'partial' or 'final;<url> <url> ...'");
		}
		String urls = value.substring("final;".length()).strip();
		if (urls.isEmpty()) {
			throw invalid("a final upload needs the URLs of its partial uploads");
		}
		String[] parts = urls.split(" +");
		if (parts.length > maxParts) {
			throw invalid("at most " + maxParts + " partial uploads can be joined");
		}
		List<String> ids = new ArrayList<>();
		for (String url : parts) {
			ids.add(idOf(url, contextPath));
		}
		return new UploadConcat(false, List.copyOf(ids));
	}

	private static String idOf(String url, String contextPath) {
		try {
			URI uri = new URI(url);
			String path = uri.getRawPath();
			if (uri.getRawQuery() == null && uri.getRawFragment() == null && path != null
					&& path.startsWith(contextPath)) {
				Matcher matcher = UPLOAD_PATH.matcher(path.substring(contextPath.length()));
				if (matcher.matches()) {
					return matcher.group(1);
				}
			}
		}
		catch (URISyntaxException ex) {
			// answered below
		}
		throw invalid("'" + TusHeaders.printable(url, 120) + "' is not the URL of an upload on this server");
	}

	private static TusRequestException invalid(String why) {
		return TusRequestException.badRequest("invalid-concat", "Upload-Concat is malformed: " + why);
	}

}
