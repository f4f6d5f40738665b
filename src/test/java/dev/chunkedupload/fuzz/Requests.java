package dev.chunkedupload.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generated requests for each protocol: the shape of a valid request with hostile values
 * in every field, then mutated by {@link Hostile#mutate}.
 */
final class Requests {

	private final Hostile hostile;

	private final List<String> ids;

	private final String auth;

	/**
	 * @param hostile the seeded generator
	 * @param ids upload ids to aim at: the caller's targets and other users' uploads
	 */
	Requests(Hostile hostile, List<String> ids) {
		this.hostile = hostile;
		this.ids = ids;
		this.auth = Hostile.basic("alice");
	}

	FuzzRequest chunked() {
		String id = this.hostile.id(this.ids);
		if (this.hostile.chance(30)) {
			// A chunk that fits, at a plausible offset, of a new upload or a target.
			long start = this.hostile.chance(50) ? 0 : 1000;
			int length = 1 + this.hostile.random().nextInt(2000);
			return this.hostile.mutate(
					request("POST", "/api/chunked-upload" + (this.hostile.chance(50) ? "?upload_id=" + query(id) : ""),
							this.hostile.bytes(length), "Content-Type", "application/octet-stream", "Content-Range",
							"bytes " + start + "-" + (start + length - 1) + "/" + (start + length + 1000)));
		}
		return this.hostile.mutate(switch (this.hostile.random().nextInt(5)) {
			case 0 ->
				request("POST", "/api/chunked-upload" + (this.hostile.chance(70) ? "?upload_id=" + query(id) : ""),
						this.hostile.body(3000), "Content-Type", "application/octet-stream", "Content-Range",
						contentRange(), "Content-Disposition",
						"attachment; filename=\"" + this.hostile.headerText() + "\"");
			case 1 ->
				multipart("/api/chunked-upload", Map.of("upload_id", id), "file", "Content-Range", contentRange());
			case 2 -> request("POST", "/api/chunked-upload/complete",
					("upload_id=" + query(id) + "&md5="
							+ query(this.hostile.chance(50) ? "0".repeat(32) : this.hostile.text()))
						.getBytes(StandardCharsets.ISO_8859_1),
					"Content-Type", "application/x-www-form-urlencoded");
			case 3 -> request("GET", "/api/chunked-upload/" + path(id), new byte[0]);
			default -> request("DELETE", "/api/chunked-upload/" + path(id), new byte[0]);
		});
	}

	FuzzRequest tus() {
		String id = this.hostile.id(this.ids);
		String offset = this.hostile.number(4000);
		return this.hostile.mutate(switch (this.hostile.random().nextInt(6)) {
			case 0 -> request("POST", "/api/tus", this.hostile.chance(30) ? this.hostile.body(3000) : new byte[0],
					"Tus-Resumable", "1.0.0", this.hostile.chance(80) ? "Upload-Length" : "Upload-Defer-Length",
					this.hostile.number(5000), "Upload-Metadata",
					"filename " + this.hostile.base64(this.hostile.text()) + ",filetype "
							+ this.hostile.base64(this.hostile.text()),
					"Content-Type", "application/offset+octet-stream");
			case 1 -> request("POST", "/api/tus", new byte[0], "Tus-Resumable", "1.0.0", "Upload-Concat",
					this.hostile.chance(30) ? "partial"
							: "final;/api/tus/" + path(this.hostile.id(this.ids)) + " /api/tus/" + path(id),
					"Upload-Length", this.hostile.number(5000));
			case 2, 3 -> request(this.hostile.chance(80) ? "PATCH" : "POST", "/api/tus/" + path(id),
					this.hostile.body(3000), "Tus-Resumable", "1.0.0", "Upload-Offset", offset, "Content-Type",
					"application/offset+octet-stream", "Upload-Checksum",
					this.hostile.pick(List.of("sha1", "md5", "sha256", "crc32")) + " "
							+ this.hostile.base64(this.hostile.text()),
					"X-HTTP-Method-Override", this.hostile.pick(List.of("PATCH", "DELETE", "HEAD", "GET")));
			case 4 -> request("HEAD", "/api/tus/" + path(id), new byte[0], "Tus-Resumable", "1.0.0");
			default -> request(this.hostile.pick(List.of("DELETE", "OPTIONS")), "/api/tus/" + path(id), new byte[0],
					"Tus-Resumable", this.hostile.pick(List.of("1.0.0", "0.2.2", "")));
		});
	}

	FuzzRequest rufh() {
		String id = this.hostile.id(this.ids);
		String version = this.hostile.pick(List.of("6", "8", "9", "7", "-1", "9, 9", ""));
		String complete = this.hostile.pick(List.of("?0", "?1", "?2", "true", ""));
		return this.hostile.mutate(switch (this.hostile.random().nextInt(4)) {
			case 0 -> request("POST", "/api/rufh", this.hostile.body(3000), "Upload-Draft-Interop-Version", version,
					"Upload-Complete", complete, "Upload-Incomplete", complete, "Upload-Length",
					this.hostile.number(4000), "Content-Type", "application/octet-stream", "Content-Disposition",
					"attachment; filename=\"" + this.hostile.headerText() + "\"");
			case 1 -> request("PATCH", "/api/rufh/" + path(id), this.hostile.body(3000), "Upload-Draft-Interop-Version",
					version, "Upload-Offset", this.hostile.number(3000), "Upload-Complete", complete, "Content-Type",
					"application/partial-upload", "Upload-Length", this.hostile.number(4000));
			case 2 -> request("HEAD", "/api/rufh/" + path(id), new byte[0], "Upload-Draft-Interop-Version", version);
			default -> request(this.hostile.pick(List.of("DELETE", "OPTIONS", "GET")), "/api/rufh/" + path(id),
					new byte[0], "Upload-Draft-Interop-Version", version);
		});
	}

	FuzzRequest resumable() {
		return this.hostile.chance(50) ? consistentResumable() : hostileResumable();
	}

	/** Parameters that fit together and a body of the right length, before mutation. */
	private FuzzRequest consistentResumable() {
		int totalChunks = 1 + this.hostile.random().nextInt(4);
		long totalSize = 1024L * (totalChunks - 1) + 1 + this.hostile.random().nextInt(1500);
		int number = 1 + this.hostile.random().nextInt(totalChunks);
		int length = (int) ((number < totalChunks) ? 1024 : totalSize - 1024L * (totalChunks - 1));
		String query = "?resumableChunkNumber=" + number + "&resumableChunkSize=1024&resumableCurrentChunkSize="
				+ length + "&resumableTotalSize=" + totalSize + "&resumableTotalChunks=" + totalChunks
				+ "&resumableIdentifier=fuzz-" + totalSize + "&resumableFilename="
				+ query(this.hostile.chance(50) ? "f.bin" : this.hostile.text());
		return this.hostile.mutate(request(this.hostile.chance(80) ? "POST" : "GET", "/api/resumable" + query,
				this.hostile.bytes(length), "Content-Type", "application/octet-stream"));
	}

	private FuzzRequest hostileResumable() {
		String prefix = this.hostile.pick(List.of("resumable", "flow"));
		long chunkSize = this.hostile.chance(70) ? 1024 : 1 + this.hostile.random().nextInt(5000);
		String[][] parameters = { { "ChunkNumber", this.hostile.number(4) },
				{ "ChunkSize", this.hostile.chance(70) ? String.valueOf(chunkSize) : this.hostile.number(5000) },
				{ "CurrentChunkSize", this.hostile.number(3000) }, { "TotalSize", this.hostile.number(5000) },
				{ "TotalChunks", this.hostile.number(5) },
				{ "Identifier",
						this.hostile.chance(50) ? "fuzz-" + this.hostile.random().nextInt(4) : this.hostile.text() },
				{ "Filename", this.hostile.text() }, { "RelativePath", this.hostile.text() } };
		StringBuilder query = new StringBuilder();
		Map<String, String> fields = new java.util.LinkedHashMap<>();
		for (String[] parameter : parameters) {
			if (this.hostile.chance(90)) {
				query.append(query.isEmpty() ? "?" : "&")
					.append(prefix)
					.append(parameter[0])
					.append('=')
					.append(query(parameter[1]));
				fields.put(prefix + parameter[0], parameter[1]);
			}
		}
		return this.hostile.mutate(switch (this.hostile.random().nextInt(3)) {
			case 0 -> request("GET", "/api/resumable" + query, new byte[0]);
			case 1 -> request("POST", "/api/resumable" + query, this.hostile.body(3000), "Content-Type",
					"application/octet-stream");
			default -> multipart("/api/resumable", fields, "file");
		});
	}

	FuzzRequest uploads() {
		String id = this.hostile.id(this.ids);
		return this.hostile.mutate(switch (this.hostile.random().nextInt(5)) {
			case 0 -> request("GET", "/api/uploads?status=" + query(this.hostile.text()) + "&all="
					+ query(this.hostile.pick(List.of("true", "false", "1", "yes", ""))), new byte[0]);
			case 1 -> request("GET", "/api/uploads/" + path(id), new byte[0]);
			case 2, 3 -> request("GET", "/api/uploads/" + path(id) + "/content", new byte[0], "Range",
					"bytes=" + this.hostile.number(3000) + "-" + this.hostile.number(3000), "If-None-Match",
					"\"" + this.hostile.headerText() + "\"", "If-Range", this.hostile.headerText());
			default -> request(this.hostile.pick(List.of("DELETE", "PUT", "POST", "PATCH")), "/api/uploads/" + path(id),
					new byte[0]);
		});
	}

	private String contentRange() {
		return "bytes " + this.hostile.number(3000) + "-" + this.hostile.number(3000) + "/" + this.hostile.number(5000);
	}

	private FuzzRequest request(String method, String target, byte[] body, String... headers) {
		List<Map.Entry<String, String>> list = new ArrayList<>();
		list.add(Map.entry("Authorization", this.auth));
		for (int i = 0; i < headers.length; i += 2) {
			list.add(Map.entry(headers[i], headers[i + 1]));
		}
		FuzzRequest.Framing framing = this.hostile.chance(85) ? FuzzRequest.Framing.EXACT
				: this.hostile.pick(List.of(FuzzRequest.Framing.values()));
		return new FuzzRequest(method, target, list, body, framing);
	}

	/** Fields first, then a file part; sometimes cut short, or with many extra parts. */
	private FuzzRequest multipart(String path, Map<String, String> fields, String fileField, String... headers) {
		String boundary = "fuzz" + this.hostile.random().nextInt(1_000_000);
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int extra = this.hostile.chance(10) ? this.hostile.random().nextInt(5000) : 0;
		for (int i = 0; i < extra; i++) {
			write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"x" + i + "\"\r\n\r\n1\r\n");
		}
		fields.forEach((name, value) -> write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
				+ name + "\"\r\n\r\n" + value + "\r\n"));
		write(body,
				"--" + boundary + "\r\nContent-Disposition: form-data; name=\""
						+ (this.hostile.chance(90) ? fileField : this.hostile.headerText()) + "\"; filename=\""
						+ this.hostile.headerText() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
		body.writeBytes(this.hostile.body(3000));
		write(body, "\r\n--" + boundary + "--\r\n");
		byte[] bytes = body.toByteArray();
		if (this.hostile.chance(20)) {
			bytes = java.util.Arrays.copyOf(bytes, this.hostile.random().nextInt(bytes.length + 1));
		}
		String[] all = new String[headers.length + 2];
		all[0] = "Content-Type";
		all[1] = "multipart/form-data; boundary=" + (this.hostile.chance(95) ? boundary : this.hostile.headerText());
		System.arraycopy(headers, 0, all, 2, headers.length);
		return request("POST", path, bytes, all);
	}

	/** A value for a query string: usually percent-encoded, so it reaches the server. */
	private String query(String value) {
		return this.hostile.chance(85) ? URLEncoder.encode(value, StandardCharsets.UTF_8)
				: value.replace(' ', '+').replace('#', '_');
	}

	private String path(String value) {
		return this.hostile.chance(85) ? URLEncoder.encode(value, StandardCharsets.UTF_8).replace("%2F", "/")
				: value.replace(' ', '+');
	}

	private static void write(ByteArrayOutputStream out, String text) {
		out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
	}

}
