package dev.chunkedupload.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.chunkedupload.testsupport.HttpTestClient;

/**
 * Seeded generation of hostile values and of mutations of a request: the same seed gives
 * the same requests, so a failure is reproduced by running the test with
 * {@code -Dfuzz.seed=<seed>}.
 */
final class Hostile {

	static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
			"PROPFIND", "G\u00e9T", "get");

	private static final List<String> TRAVERSALS = List.of("../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
			"%2e%2e/%2e%2e/db", "..\\..\\windows\\win.ini", "/etc/passwd", "....//....//", "%252e%252e%252f",
			"uploads/../../db/chunked-upload.mv.db", "%00", "a%00.txt", "\u00c0\u00ae\u00c0\u00ae/", "con", "NUL:", ".",
			"..", "~root/.ssh/id_rsa");

	private static final List<String> NUMBERS = List.of("-1", "0", "1", "-0", "+5", "1e9", "0x10", "1.5", " 7 ",
			"9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999",
			"2147483647", "2147483648", "4294967296", "000000000000000000000001", "NaN", "", "\u0661\u0662");

	private final Random random;

	Hostile(long seed) {
		this.random = new Random(seed);
	}

	Random random() {
		return this.random;
	}

	boolean chance(int percent) {
		return this.random.nextInt(100) < percent;
	}

	<T> T pick(List<T> values) {
		return values.get(this.random.nextInt(values.size()));
	}

	/** A number as text: often valid and small, else past every edge. */
	String number(long validBound) {
		return chance(50) ? String.valueOf((long) (this.random.nextDouble() * validBound)) : pick(NUMBERS);
	}

	/**
	 * A string for any field, name or id: plain, traversal, control characters, bytes
	 * that are not UTF-8 (sent as single bytes), huge, empty.
	 */
	String text() {
		return switch (this.random.nextInt(9)) {
			case 0 -> pick(TRAVERSALS);
			case 1 -> "name\u0001\u0007\u001b[31m\u007f.txt";
			case 2 -> "\u00ff\u00fe\u00c3(\u00e9\u0080.bin";
			case 3 -> "x".repeat(1 + this.random.nextInt(20_000));
			case 4 -> "";
			case 5 -> "r\u00e9sum\u00e9 \"quoted\"; filename=evil.sh";
			case 6 -> pick(NUMBERS);
			case 7 -> "a,b;c=d\\e/f?g#h%zz";
			default -> "file-" + this.random.nextInt(1000) + ".bin";
		};
	}

	/** A text that is safe on a header line (no line breaks), yet hostile. */
	String headerText() {
		String value = text();
		return chance(90) ? value.replace('\r', ' ').replace('\n', ' ') : value;
	}

	byte[] body(int max) {
		return bytes(this.random.nextInt(max + 1));
	}

	byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	/** A path segment where an upload id goes. */
	String id(List<String> known) {
		return switch (this.random.nextInt(6)) {
			case 0, 1, 2 -> pick(known);
			case 3 -> "0".repeat(32);
			case 4 -> pick(TRAVERSALS);
			default -> text().replace(' ', '+');
		};
	}

	/**
	 * Mutate a request: wrong method, a header dropped, duplicated or spoiled, other
	 * credentials, other framing.
	 */
	FuzzRequest mutate(FuzzRequest request) {
		FuzzRequest mutated = request;
		int rounds = this.random.nextInt(4);
		for (int i = 0; i < rounds; i++) {
			List<Map.Entry<String, String>> headers = new ArrayList<>(mutated.headers());
			String method = mutated.method();
			String target = mutated.target();
			byte[] body = mutated.body();
			FuzzRequest.Framing framing = mutated.framing();
			switch (this.random.nextInt(8)) {
				case 0 -> method = pick(METHODS);
				case 1 -> {
					if (!headers.isEmpty()) {
						headers.remove(this.random.nextInt(headers.size()));
					}
				}
				case 2 -> {
					if (!headers.isEmpty()) {
						Map.Entry<String, String> header = pick(headers);
						headers.add(Map.entry(header.getKey(), chance(50) ? header.getValue() : headerText()));
					}
				}
				case 3 -> {
					if (!headers.isEmpty()) {
						int at = this.random.nextInt(headers.size());
						headers.set(at,
								Map.entry(headers.get(at).getKey(), chance(50) ? number(1L << 40) : headerText()));
					}
				}
				case 4 -> framing = pick(List.of(FuzzRequest.Framing.values()));
				case 5 -> target = target + (target.contains("?") ? "&" : "?") + text().replace(' ', '+') + "="
						+ text().replace(' ', '+');
				case 6 -> body = chance(50) ? body(4096) : new byte[0];
				default -> headers.removeIf((header) -> header.getKey().equals("Authorization") && chance(50));
			}
			mutated = new FuzzRequest(method, target, headers, body, framing);
		}
		return mutated;
	}

	static String basic(String user) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((user + ":" + HttpTestClient.PASSWORD).getBytes(StandardCharsets.UTF_8));
	}

}
