package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A request written by hand on a socket, so a test can stop in the middle of a body, hold
 * it, or drop the connection: things an HTTP client library does not let a test do.
 */
public final class RawHttp implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private RawHttp(Socket socket) throws IOException {
		this.socket = socket;
		this.socket.setSoTimeout(20_000);
		this.out = socket.getOutputStream();
	}

	/**
	 * Open a connection and send the head of a raw chunk request of the
	 * django-chunked-upload protocol.
	 */
	public static RawHttp chunk(int port, String user, String uploadId, String contentRange, long contentLength)
			throws IOException {
		RawHttp http = new RawHttp(new Socket("127.0.0.1", port));
		String basic = Base64.getEncoder()
			.encodeToString((user + ":" + HttpTestClient.PASSWORD).getBytes(StandardCharsets.UTF_8));
		http.out.write(("POST /api/chunked-upload?upload_id=" + uploadId + " HTTP/1.1\r\nHost: localhost\r\n"
				+ "Authorization: Basic " + basic
				+ "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n" + "Content-Range: "
				+ contentRange + "\r\nContent-Length: " + contentLength + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		return http;
	}

	/**
	 * Open a connection and send the head of any request: the request line and the given
	 * header lines (each without its line end), Host and Basic credentials added.
	 * @param port the server's port
	 * @param user who authenticates, or {@code null} for nobody
	 * @param requestLine such as {@code PATCH /api/tus/abc HTTP/1.1}
	 * @param headers header lines such as {@code Content-Length: 10}
	 * @return the connection, ready for the body
	 */
	public static RawHttp request(int port, String user, String requestLine, String... headers) throws IOException {
		RawHttp http = new RawHttp(new Socket("127.0.0.1", port));
		StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: localhost\r\n");
		if (user != null) {
			head.append("Authorization: Basic ")
				.append(Base64.getEncoder()
					.encodeToString((user + ":" + HttpTestClient.PASSWORD).getBytes(StandardCharsets.UTF_8)))
				.append("\r\n");
		}
		for (String header : headers) {
			head.append(header).append("\r\n");
		}
		http.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
		return http;
	}

	/** Write text (chunk sizes, trailers) as ASCII. */
	public RawHttp send(String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		return send(bytes, 0, bytes.length);
	}

	public RawHttp send(byte[] bytes, int offset, int length) throws IOException {
		this.out.write(bytes, offset, length);
		this.out.flush();
		return this;
	}

	/**
	 * The start of the response: status line, headers and as much body as came at once.
	 */
	public String response() throws IOException {
		InputStream in = this.socket.getInputStream();
		byte[] buffer = new byte[8192];
		int n = in.read(buffer);
		return (n > 0) ? new String(Arrays.copyOf(buffer, n), StandardCharsets.ISO_8859_1) : "";
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
