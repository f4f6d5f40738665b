package dev.chunkedupload.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP to a server on a loopback port, as one user with HTTP Basic.
 */
public class HttpTestClient {

	public static final String PASSWORD = "secret";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final String base;

	private final String user;

	private final String authorization;

	public HttpTestClient(int port, String user) {
		this(port, user, null);
	}

	private HttpTestClient(int port, String user, String authorization) {
		this.base = "http://127.0.0.1:" + port;
		this.user = user;
		this.authorization = authorization;
	}

	/**
	 * A client that sends an API token instead of HTTP Basic.
	 * @param port the server's port
	 * @param token the token
	 * @return the client
	 */
	public static HttpTestClient withToken(int port, String token) {
		return new HttpTestClient(port, null, "Bearer " + token);
	}

	public HttpTestClient as(String otherUser) {
		return new HttpTestClient(Integer.parseInt(this.base.substring(this.base.lastIndexOf(':') + 1)), otherUser);
	}

	public String base() {
		return this.base;
	}

	/** A chunk as multipart: fields first, then the file part. */
	public Response multipartChunk(String uploadId, String contentRange, byte[] chunk, String filename) {
		Map<String, String> fields = new LinkedHashMap<>();
		if (uploadId != null) {
			fields.put("upload_id", uploadId);
		}
		return multipart("/api/chunked-upload", contentRange, fields, "file", filename, chunk);
	}

	public Response multipart(String path, String contentRange, Map<String, String> fields, String fileField,
			String filename, byte[] file) {
		String boundary = "----test" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		fields.forEach((name, value) -> write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
				+ name + "\"\r\n\r\n" + value + "\r\n"));
		if (file != null) {
			write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
					+ filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
			body.writeBytes(file);
			write(body, "\r\n");
		}
		write(body, "--" + boundary + "--\r\n");
		HttpRequest.Builder request = request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(BodyPublishers.ofByteArray(body.toByteArray()));
		if (contentRange != null) {
			request.header("Content-Range", contentRange);
		}
		return send(request);
	}

	/** A chunk as a raw body, upload id in the query string. */
	public Response rawChunk(String uploadId, String contentRange, byte[] chunk, String filename) {
		String path = "/api/chunked-upload" + ((uploadId != null) ? "?upload_id=" + uploadId : "");
		HttpRequest.Builder request = request(path).header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(chunk));
		if (contentRange != null) {
			request.header("Content-Range", contentRange);
		}
		if (filename != null) {
			request.header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
		}
		return send(request);
	}

	public Response complete(String uploadId, String md5) {
		StringBuilder form = new StringBuilder("upload_id=").append(uploadId);
		if (md5 != null) {
			form.append("&md5=").append(md5);
		}
		return send(request("/api/chunked-upload/complete").header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString(form.toString())));
	}

	public Response get(String path) {
		return send(request(path).GET());
	}

	public Response get(String path, String headerName, String headerValue) {
		return send(request(path).header(headerName, headerValue).GET());
	}

	public Response delete(String path) {
		return send(request(path).DELETE());
	}

	public Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<byte[]> response = this.client.send(request.timeout(Duration.ofSeconds(60)).build(),
					BodyHandlers.ofByteArray());
			return new Response(response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public HttpRequest.Builder request(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + path));
		if (this.authorization != null) {
			builder.header("Authorization", this.authorization);
		}
		else if (this.user != null) {
			builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((this.user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
		}
		return builder;
	}

	private static void write(ByteArrayOutputStream out, String text) {
		out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
	}

	/** A response with its body read as bytes, and as JSON on demand. */
	public record Response(HttpResponse<byte[]> raw) {

		public int status() {
			return this.raw.statusCode();
		}

		public byte[] bytes() {
			return this.raw.body();
		}

		public String text() {
			return new String(this.raw.body(), StandardCharsets.UTF_8);
		}

		public JsonNode json() {
			return json.readTree(this.raw.body());
		}

		public String header(String name) {
			return this.raw.headers().firstValue(name).orElse(null);
		}

		public String contentType() {
			return header("Content-Type");
		}

		@Override
		public String toString() {
			return status() + " " + text();
		}

	}

}
