package dev.chunkedupload.integration;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Standard Webhooks signatures computed by another implementation than the server's:
 * Python's {@code hmac}, {@code hashlib} and {@code base64}, in a subprocess.
 */
final class SignatureCheck {

	private static final String SCRIPT = String.join("\n", "import base64, hashlib, hmac, sys",
			"secret, msg_id, timestamp = sys.argv[1], sys.argv[2], sys.argv[3]", "assert secret.startswith('whsec_')",
			"key = base64.b64decode(secret[len('whsec_'):])", "body = sys.stdin.buffer.read()",
			"signed = msg_id.encode() + b'.' + timestamp.encode() + b'.' + body",
			"print('v1,' + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode())");

	private SignatureCheck() {
	}

	/**
	 * The signature Python computes for a message.
	 * @return {@code v1,<base64>}
	 */
	static String python(String secret, String id, String timestamp, String body) {
		try {
			Process process = new ProcessBuilder("python3", "-c", SCRIPT, secret, id, timestamp)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			try (OutputStream in = process.getOutputStream()) {
				in.write(body.getBytes(StandardCharsets.UTF_8));
			}
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("python3 did not finish");
			}
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (process.exitValue() != 0) {
				throw new IllegalStateException("python3 failed: " + out);
			}
			return out;
		}
		catch (IOException ex) {
			throw new IllegalStateException("python3 is needed to check signatures", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
