import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak client: WORKERS threads upload files of mixed sizes in the four protocols
 * until the time is up, abort chunks at random (a request cut off mid-body on a raw
 * socket) and resume as each protocol's client would, and check every completed file: the
 * MD5 the server recorded and the MD5 of the bytes it serves back must both be the file's.
 * Prints one line of totals at the end; the exit status is 1 if any file was lost or
 * corrupted or any answer was a 5xx.
 *
 * Run: java Soak.java BASE_URL USER PASSWORD SECONDS [WORKERS] [SEED]
 */
public class Soak {

	static final String[] PROTOCOLS = { "chunked", "tus", "rufh", "resumable" };

	static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	static String base;

	static String auth;

	static int port;

	static final AtomicLong ackedBytes = new AtomicLong();

	static final AtomicLong completed = new AtomicLong();

	static final AtomicLong verified = new AtomicLong();

	static final AtomicLong aborts = new AtomicLong();

	/** Draft uploads whose bytes were all kept but that a HEAD found incomplete. */
	static final AtomicLong completedAfterHead = new AtomicLong();

	static final AtomicLong requests = new AtomicLong();

	static final ConcurrentLinkedQueue<Long> chunkNanos = new ConcurrentLinkedQueue<>();

	static final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();

	static final ConcurrentLinkedQueue<String> corrupted = new ConcurrentLinkedQueue<>();

	static final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();

	static final Map<String, AtomicLong> perProtocol = new ConcurrentHashMap<>();

	public static void main(String[] args) throws Exception {
		base = args[0];
		port = URI.create(base).getPort();
		auth = "Basic " + Base64.getEncoder().encodeToString((args[1] + ":" + args[2]).getBytes(StandardCharsets.UTF_8));
		long seconds = Long.parseLong(args[3]);
		int workers = (args.length > 4) ? Integer.parseInt(args[4]) : 64;
		long seed = (args.length > 5) ? Long.parseLong(args[5]) : System.nanoTime();
		System.out.println("soak: " + workers + " workers for " + seconds + " s, seed " + seed);
		long start = System.nanoTime();
		long deadline = start + seconds * 1_000_000_000L;
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < workers; i++) {
			SplittableRandom random = new SplittableRandom(seed + i * 7919L);
			Thread thread = new Thread(() -> work(random, deadline), "soak-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			// Bounded: a worker stops starting uploads at the deadline and finishes the one it has.
			thread.join(Duration.ofSeconds(seconds + 600).toMillis());
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		List<Long> latencies = new ArrayList<>(chunkNanos);
		Collections.sort(latencies);
		System.out.printf("soak: %.1f s, %d requests, %d uploads completed and %d verified by MD5 %s, %d aborts%n",
				elapsed, requests.get(), completed.get(), verified.get(), perProtocol, aborts.get());
		System.out.printf("soak: %.1f MB/s acknowledged (MB = 10^6 bytes), chunk latency p50 %.1f ms, p99 %.1f ms (%d chunks)%n",
				ackedBytes.get() / 1e6 / elapsed, percentile(latencies, 0.50), percentile(latencies, 0.99),
				latencies.size());
		System.out.println("soak: draft uploads completed by an empty request after a HEAD: " + completedAfterHead.get());
		System.out.println("soak: 5xx answers: " + serverErrors.size() + ", lost or corrupted files: " + corrupted.size()
				+ ", uploads the client could not finish: " + failed.size());
		serverErrors.stream().limit(10).forEach((e) -> System.out.println("soak:   5xx " + e));
		corrupted.stream().limit(10).forEach((e) -> System.out.println("soak:   corrupted " + e));
		failed.stream().limit(10).forEach((e) -> System.out.println("soak:   not finished " + e));
		System.exit((serverErrors.isEmpty() && corrupted.isEmpty() && failed.isEmpty()
				&& verified.get() == completed.get()) ? 0 : 1);
	}

	static double percentile(List<Long> sorted, double p) {
		return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
	}

	static void work(SplittableRandom random, long deadline) {
		while (System.nanoTime() < deadline) {
			String protocol = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
			long size = switch (random.nextInt(10)) {
				case 0, 1, 2, 3 -> 1 + random.nextInt(1 << 20);
				case 4, 5, 6, 7, 8 -> (1 << 20) + random.nextInt(15 << 20);
				default -> (16 << 20) + random.nextInt(48 << 20);
			};
			int chunk = (1 + random.nextInt(4)) << 20;
			Content content = new Content(random.nextLong(), size);
			try {
				String id = switch (protocol) {
					case "chunked" -> chunked(random, content, chunk);
					case "tus" -> tus(random, content, chunk);
					case "rufh" -> rufh(random, content, chunk);
					default -> resumable(random, content, chunk);
				};
				completed.incrementAndGet();
				perProtocol.computeIfAbsent(protocol, (k) -> new AtomicLong()).incrementAndGet();
				verify(protocol, id, content);
			}
			catch (Exception ex) {
				failed.add(protocol + " upload of " + size + " bytes: " + ex);
			}
		}
	}

	// ---- the protocols, each with aborts and resumes as its clients do them

	static String chunked(SplittableRandom random, Content content, int chunk) throws Exception {
		String id = null;
		long offset = 0;
		while (offset < content.size || id == null) {
			long end = Math.min(content.size, offset + chunk) - 1;
			String range = "bytes " + offset + "-" + end + "/" + content.size;
			String path = "/api/chunked-upload" + ((id != null) ? "?upload_id=" + id : "");
			if (id != null && random.nextInt(10) == 0) {
				abort("POST", path, content, offset, end + 1, "Content-Type: application/octet-stream",
						"Content-Range: " + range);
				String known = id;
				offset = number(retry(() -> get("/api/chunked-upload/" + known)).body, "\"offset\":(\\d+)");
				continue;
			}
			long from = offset;
			Response answer = retry(() -> timed(request(path).header("Content-Type", "application/octet-stream")
				.header("Content-Range", range)
				.POST(content.publisher(from, end + 1))));
			expect(answer, 200);
			id = string(answer.body, "\"upload_id\":\"([0-9a-f]{32})\"");
			ackedBytes.addAndGet(end + 1 - offset);
			offset = end + 1;
		}
		String uploadId = id;
		expect(retry(() -> send(request("/api/chunked-upload/complete")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("upload_id=" + uploadId + "&md5=" + content.md5())))), 200);
		return id;
	}

	static String tus(SplittableRandom random, Content content, int chunk) throws Exception {
		Response created = retry(() -> send(request("/api/tus").header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", String.valueOf(content.size))
			.POST(HttpRequest.BodyPublishers.noBody())));
		expect(created, 201);
		String path = "/api/tus/" + string(created.location, "/api/tus/([0-9a-f]{32})");
		long offset = 0;
		while (offset < content.size) {
			long end = Math.min(content.size, offset + chunk);
			if (random.nextInt(10) == 0) {
				abort("PATCH", path, content, offset, end, "Tus-Resumable: 1.0.0",
						"Content-Type: application/offset+octet-stream", "Upload-Offset: " + offset);
				long before = offset;
				offset = Long.parseLong(retry(() -> send(request(path).header("Tus-Resumable", "1.0.0")
					.method("HEAD", HttpRequest.BodyPublishers.noBody()))).header("Upload-Offset"));
				ackedBytes.addAndGet(offset - before);
				continue;
			}
			long from = offset;
			Response answer = retry(() -> timed(request(path).header("Tus-Resumable", "1.0.0")
				.header("Content-Type", "application/offset+octet-stream")
				.header("Upload-Offset", String.valueOf(from))
				.method("PATCH", content.publisher(from, end))));
			if (answer.status == 409) {
				// The aborted request's bytes were recorded after the HEAD: continue where the
				// server is, as tus-js-client does.
				offset = Long.parseLong(answer.header("Upload-Offset"));
				ackedBytes.addAndGet(offset - from);
				continue;
			}
			expect(answer, 204);
			ackedBytes.addAndGet(end - offset);
			offset = end;
		}
		return path.substring("/api/tus/".length());
	}

	static String rufh(SplittableRandom random, Content content, int chunk) throws Exception {
		long first = Math.min(content.size, chunk);
		boolean done = first == content.size;
		Response created = retry(() -> timed(request("/api/rufh").header("Upload-Draft-Interop-Version", "9")
			.header("Upload-Complete", done ? "?1" : "?0")
			.header("Content-Type", "application/octet-stream")
			.POST(content.publisher(0, first))));
		expect(created, 201);
		String path = "/api/rufh/" + string(created.location, "/api/rufh/([0-9a-f]{32})");
		ackedBytes.addAndGet(first);
		long offset = first;
		while (offset < content.size) {
			long end = Math.min(content.size, offset + chunk);
			String complete = (end == content.size) ? "?1" : "?0";
			if (random.nextInt(10) == 0) {
				abort("PATCH", path, content, offset, end, "Upload-Draft-Interop-Version: 9",
						"Content-Type: application/partial-upload", "Upload-Offset: " + offset,
						"Upload-Complete: " + complete);
				long before = offset;
				offset = Long.parseLong(retry(() -> send(request(path).header("Upload-Draft-Interop-Version", "9")
					.method("HEAD", HttpRequest.BodyPublishers.noBody()))).header("Upload-Offset"));
				ackedBytes.addAndGet(offset - before);
				continue;
			}
			long from = offset;
			Response answer = retry(() -> timed(request(path).header("Upload-Draft-Interop-Version", "9")
				.header("Content-Type", "application/partial-upload")
				.header("Upload-Offset", String.valueOf(from))
				.header("Upload-Complete", complete)
				.method("PATCH", content.publisher(from, end))));
			if (answer.status == 409) {
				offset = number(answer.body, "\"expected-offset\":(\\d+)");
				ackedBytes.addAndGet(offset - from);
				continue;
			}
			expect(answer, 204);
			ackedBytes.addAndGet(end - offset);
			offset = end;
		}
		// A last request cut off after all its bytes were kept leaves the upload
		// incomplete: the draft's clients then complete it with an empty request.
		Response state = retry(() -> send(
				request(path).header("Upload-Draft-Interop-Version", "9").method("HEAD", HttpRequest.BodyPublishers.noBody())));
		if (!"?1".equals(state.header("Upload-Complete"))) {
			completedAfterHead.incrementAndGet();
			long at = offset;
			expect(retry(() -> timed(request(path).header("Upload-Draft-Interop-Version", "9")
				.header("Content-Type", "application/partial-upload")
				.header("Upload-Offset", String.valueOf(at))
				.header("Upload-Complete", "?1")
				.method("PATCH", HttpRequest.BodyPublishers.noBody()))), 204);
		}
		return path.substring("/api/rufh/".length());
	}

	static String resumable(SplittableRandom random, Content content, int chunk) throws Exception {
		int total = (int) Math.max(1, content.size / chunk);
		List<Integer> order = new ArrayList<>();
		for (int i = 1; i <= total; i++) {
			order.add(i);
		}
		Collections.shuffle(order, new java.util.Random(random.nextLong()));
		String common = "&resumableChunkSize=" + chunk + "&resumableTotalSize=" + content.size
				+ "&resumableTotalChunks=" + total + "&resumableIdentifier=soak-" + content.seed
				+ "&resumableFilename=soak.bin";
		String id = null;
		for (int i = 0; i < order.size(); i++) {
			int number = order.get(i);
			long start = (long) (number - 1) * chunk;
			long end = (number == total) ? content.size : start + chunk;
			String path = "/api/resumable?resumableChunkNumber=" + number + "&resumableCurrentChunkSize="
					+ (end - start) + common;
			if (random.nextInt(10) == 0) {
				abort("POST", path, content, start, end, "Content-Type: application/octet-stream");
				// As the libraries do: ask, and send the chunk again unless it is stored.
				Response test = retry(() -> send(request(path).GET()));
				if (test.status == 200) {
					continue;
				}
			}
			Response answer = retry(() -> timed(request(path).header("Content-Type", "application/octet-stream")
				.POST(content.publisher(start, end))));
			expect(answer, 200);
			ackedBytes.addAndGet(end - start);
			id = string(answer.body, "\"upload_id\":\"([0-9a-f]{32})\"");
		}
		return id;
	}

	static void verify(String protocol, String id, Content content) throws Exception {
		Response row = retry(() -> get("/api/uploads/" + id));
		String recorded = string(row.body, "\"md5\":\"([0-9a-f]{32})\"");
		HttpResponse<InputStream> download = http.send(request("/api/uploads/" + id + "/content").GET().build(),
				HttpResponse.BodyHandlers.ofInputStream());
		MessageDigest md5 = MessageDigest.getInstance("MD5");
		long length = 0;
		try (InputStream in = download.body()) {
			byte[] buffer = new byte[1 << 16];
			int n;
			while ((n = in.read(buffer)) > 0) {
				md5.update(buffer, 0, n);
				length += n;
			}
		}
		String served = HexFormat.of().formatHex(md5.digest());
		if (!recorded.equals(content.md5()) || !served.equals(content.md5()) || length != content.size) {
			corrupted.add(protocol + " " + id + ": expected " + content.md5() + " (" + content.size + " bytes), recorded "
					+ recorded + ", served " + served + " (" + length + " bytes)");
		}
		else {
			verified.incrementAndGet();
		}
		send(request("/api/uploads/" + id).DELETE());
	}

	// ---- HTTP

	record Response(int status, String body, String location, HttpResponse<String> raw) {

		String header(String name) {
			return this.raw.headers().firstValue(name).orElseThrow(() -> new IllegalStateException("no " + name));
		}

	}

	interface Call {

		Response call() throws Exception;

	}

	/** Busy (409, 423) or not yet released after an abort: try again, for at most 30 s. */
	static Response retry(Call call) throws Exception {
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (true) {
			Response response = call.call();
			boolean busy = response.status == 409 && response.body.contains("busy") || response.status == 423;
			if (!busy || System.nanoTime() > deadline) {
				return response;
			}
			Thread.sleep(100);
		}
	}

	static HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).timeout(Duration.ofMinutes(2));
	}

	static Response get(String path) throws Exception {
		return send(request(path).GET());
	}

	static Response timed(HttpRequest.Builder request) throws Exception {
		long start = System.nanoTime();
		Response response = send(request);
		if (response.status < 300) {
			chunkNanos.add(System.nanoTime() - start);
		}
		return response;
	}

	static Response send(HttpRequest.Builder request) throws Exception {
		HttpRequest built = request.build();
		HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
		requests.incrementAndGet();
		if (response.statusCode() >= 500) {
			serverErrors.add(built.method() + " " + built.uri().getPath() + " -> " + response.statusCode() + " "
					+ response.body());
		}
		return new Response(response.statusCode(), response.body(),
				response.headers().firstValue("Location").orElse(""), response);
	}

	/** A request cut off mid-body: the head, part of the bytes, then the connection closed. */
	static void abort(String method, String path, Content content, long from, long to, String... headers)
			throws IOException {
		aborts.incrementAndGet();
		try (Socket socket = new Socket("127.0.0.1", port)) {
			StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
			head.append("Authorization: ").append(auth).append("\r\nContent-Length: ").append(to - from).append("\r\n");
			for (String header : headers) {
				head.append(header).append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
			long cut = from + (to - from) / 2;
			try (InputStream part = content.stream(from, cut)) {
				part.transferTo(out);
			}
			out.flush();
		}
		// Give the server a moment to see the closed connection before resuming.
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void expect(Response response, int status) {
		if (response.status != status) {
			throw new IllegalStateException("expected " + status + ", got " + response.status + " " + response.body);
		}
	}

	static String string(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		if (!matcher.find()) {
			throw new IllegalStateException("no " + regex + " in " + text);
		}
		return matcher.group(1);
	}

	static long number(String text, String regex) {
		return Long.parseLong(string(text, regex));
	}

	/**
	 * A file that is never held in memory: each 64 KiB block is generated from the file's
	 * seed and the block's number, so any range can be produced again for a resume.
	 */
	static final class Content {

		static final int BLOCK = 1 << 16;

		final long seed;

		final long size;

		private String md5;

		Content(long seed, long size) {
			this.seed = seed;
			this.size = size;
		}

		synchronized String md5() throws IOException {
			if (this.md5 == null) {
				try (InputStream in = stream(0, this.size)) {
					MessageDigest digest = MessageDigest.getInstance("MD5");
					byte[] buffer = new byte[BLOCK];
					int n;
					while ((n = in.read(buffer)) > 0) {
						digest.update(buffer, 0, n);
					}
					this.md5 = HexFormat.of().formatHex(digest.digest());
				}
				catch (java.security.NoSuchAlgorithmException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return this.md5;
		}

		HttpRequest.BodyPublisher publisher(long from, long to) {
			return HttpRequest.BodyPublishers.fromPublisher(
					HttpRequest.BodyPublishers.ofInputStream(() -> stream(from, to)), to - from);
		}

		InputStream stream(long from, long to) {
			return new InputStream() {

				long position = from;

				final byte[] block = new byte[BLOCK];

				long blockNumber = -1;

				@Override
				public int read() {
					byte[] one = new byte[1];
					return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					if (this.position >= to) {
						return -1;
					}
					long number = this.position / BLOCK;
					if (number != this.blockNumber) {
						SplittableRandom random = new SplittableRandom(Content.this.seed * 31 + number);
						for (int i = 0; i < BLOCK; i += 8) {
							long value = random.nextLong();
							for (int j = 0; j < 8; j++) {
								this.block[i + j] = (byte) (value >>> (8 * j));
							}
						}
						this.blockNumber = number;
					}
					int inBlock = (int) (this.position % BLOCK);
					int n = (int) Math.min(Math.min(length, BLOCK - inBlock), to - this.position);
					System.arraycopy(this.block, inBlock, buffer, offset, n);
					this.position += n;
					return n;
				}

			};
		}

	}

}
