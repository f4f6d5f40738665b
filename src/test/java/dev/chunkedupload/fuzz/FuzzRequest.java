package dev.chunkedupload.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request, written byte by byte on its own connection, so that it can be anything a
 * client could send: a wrong method, duplicated or missing headers, values with control
 * characters or bytes that are not UTF-8, a body shorter or longer than its
 * {@code Content-Length}, broken chunked framing.
 *
 * @param method the method
 * @param target the request target (path and query) as sent
 * @param headers the header lines, in order, duplicates allowed
 * @param body the body bytes actually sent
 * @param framing how the body is framed
 */
record FuzzRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body,
		Framing framing) {

	/** How the body's length is told. */
	enum Framing {

		/** {@code Content-Length} equal to the body. */
		EXACT,
		/** {@code Content-Length} larger than the body: the connection is half-closed. */
		SHORT_BODY,
		/** {@code Content-Length} smaller than the body: the rest follows as garbage. */
		LONG_BODY,
		/** {@code Transfer-Encoding: chunked}, correctly. */
		CHUNKED,
		/** {@code Transfer-Encoding: chunked} with a broken chunk size line. */
		BROKEN_CHUNKED,
		/** No length at all (a body the server cannot see). */
		NONE

	}

	FuzzRequest {
		headers = new ArrayList<>(headers);
	}

	FuzzRequest with(String name, String value) {
		List<Map.Entry<String, String>> copy = new ArrayList<>(this.headers);
		copy.add(Map.entry(name, value));
		return new FuzzRequest(this.method, this.target, copy, this.body, this.framing);
	}

	/**
	 * Send it and read the status of the answer.
	 * @param port the server's loopback port
	 * @return the status code, or -1 when the server closed the connection without an
	 * answer (never a server error in itself), or -2 when it did not answer in time
	 */
	int send(int port) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(15_000);
			socket.getOutputStream().write(bytes());
			socket.getOutputStream().flush();
			if (this.framing == Framing.SHORT_BODY || this.framing == Framing.BROKEN_CHUNKED) {
				socket.shutdownOutput();
			}
			return readStatus(socket.getInputStream());
		}
		catch (SocketTimeoutException ex) {
			return -2;
		}
		catch (IOException ex) {
			// Reset while the server refused a body it would not read: no answer.
			return -1;
		}
	}

	byte[] bytes() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		StringBuilder head = new StringBuilder(this.method).append(' ').append(this.target).append(" HTTP/1.1\r\n");
		head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
		for (Map.Entry<String, String> header : this.headers) {
			head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
		}
		switch (this.framing) {
			case EXACT -> head.append("Content-Length: ").append(this.body.length).append("\r\n");
			case SHORT_BODY -> head.append("Content-Length: ").append(this.body.length + 1000).append("\r\n");
			case LONG_BODY -> head.append("Content-Length: ").append(this.body.length / 2).append("\r\n");
			case CHUNKED, BROKEN_CHUNKED -> head.append("Transfer-Encoding: chunked\r\n");
			case NONE -> {
			}
		}
		head.append("\r\n");
		// ISO-8859-1: every char below 256 is one byte, so non-UTF-8 bytes go out as they
		// are.
		out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
		if (this.framing == Framing.CHUNKED) {
			out.writeBytes((Integer.toHexString(this.body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(this.body);
			out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		else if (this.framing == Framing.BROKEN_CHUNKED) {
			out.writeBytes(("zz" + Integer.toHexString(this.body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(this.body);
		}
		else if (this.framing != Framing.NONE) {
			out.writeBytes(this.body);
		}
		return out.toByteArray();
	}

	private static int readStatus(InputStream in) throws IOException {
		byte[] line = new byte[64];
		int n = 0;
		int b;
		while (n < line.length && (b = in.read()) >= 0 && b != '\n') {
			line[n++] = (byte) b;
		}
		String status = new String(line, 0, n, StandardCharsets.ISO_8859_1);
		if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
			return -1;
		}
		int code = Integer.parseInt(status.substring(9, 12));
		// An interim answer (the draft's 104) comes before the final one.
		return (code >= 100 && code < 200) ? skipInterim(in) : code;
	}

	private static int skipInterim(InputStream in) throws IOException {
		int previous = '\n';
		int b;
		while ((b = in.read()) >= 0) {
			if (b == '\n' && previous == '\n') {
				return readStatus(in);
			}
			if (b != '\r') {
				previous = b;
			}
		}
		return -1;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(this.method).append(' ').append(shown(this.target));
		this.headers.forEach((header) -> text.append("\n  ")
			.append(shown(header.getKey()))
			.append(": ")
			.append(shown(header.getValue())));
		return text.append("\n  [")
			.append(this.framing)
			.append(", ")
			.append(this.body.length)
			.append(" bytes]")
			.toString();
	}

	private static String shown(String value) {
		String cut = (value.length() > 160) ? value.substring(0, 160) + "...(" + value.length() + ")" : value;
		StringBuilder out = new StringBuilder();
		cut.chars()
			.forEach((c) -> out
				.append((c >= 0x20 && c < 0x7f) ? String.valueOf((char) c) : String.format("\\x%02x", c)));
		return out.toString();
	}

}
