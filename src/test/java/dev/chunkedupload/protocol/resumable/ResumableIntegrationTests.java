package dev.chunkedupload.protocol.resumable;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.StoredUploads;
import dev.chunkedupload.testsupport.TestClockConfiguration;
import dev.chunkedupload.upload.UploadSweeper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resumable.js / flow.js protocol over real HTTP: the requests the two libraries
 * send, the answers they act on, and what is (or is not) stored afterwards.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.max-bytes=10MB", "chunked-upload.max-chunk-size=1MB",
				"chunked-upload.sweep-interval=1h" })
@Import(TestClockConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class ResumableIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	UploadSweeper sweeper;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApplicationContext context;

	HttpTestClient alice;

	StoredUploads stored;

	ExecutorService executor;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.stored = StoredUploads.of(this.context);
		this.executor = Executors.newFixedThreadPool(3);
	}

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void uploadWhenResumableChunksInParallelOutOfOrderAndDuplicatedThenFileAndMd5Right() throws Exception {
		byte[] file = randomBytes(25 * 40_000 + 55_000, 1);
		FileSpec spec = new FileSpec("resumable", file, 40_000, "1055000-my_report_bin", "../my \"report\".bin");
		List<Integer> sends = new ArrayList<>();
		for (int number = 1; number <= spec.totalChunks(); number++) {
			sends.add(number);
			if (number % 3 == 0) {
				sends.add(number);
			}
		}
		Collections.shuffle(sends, new Random(5));
		List<Future<Response>> answers = new ArrayList<>();
		for (int number : sends) {
			answers.add(this.executor.submit(() -> sendUntilNotBusy(() -> multipart(this.alice, spec, number))));
		}
		List<Response> responses = new ArrayList<>();
		for (Future<Response> answer : answers) {
			responses.add(answer.get(60, TimeUnit.SECONDS));
		}

		assertThat(responses).allSatisfy((response) -> assertThat(response.status()).isEqualTo(200));
		assertThat(responses)
			.allSatisfy((response) -> assertThat(response.contentType()).startsWith("application/json"));
		String id = responses.get(0).json().get("upload_id").asString();
		assertThat(id).matches("[0-9a-f]{32}");
		assertThat(responses)
			.allSatisfy((response) -> assertThat(response.json().get("upload_id").asString()).isEqualTo(id));
		Response complete = responses.stream()
			.filter((response) -> response.json().get("status").asString().equals("complete"))
			.findFirst()
			.orElseThrow();
		assertThat(complete.json().get("filename").asString()).isEqualTo("my report.bin");
		assertThat(complete.json().get("size").asLong()).isEqualTo(file.length);
		assertThat(complete.json().get("md5").asString()).isEqualTo(md5(file));
		assertThat(complete.json().get("url").asString())
			.isEqualTo(this.alice.base() + "/api/uploads/" + id + "/content");
		Response progress = responses.stream()
			.filter((response) -> response.json().get("status").asString().equals("uploading"))
			.findFirst()
			.orElseThrow();
		assertThat(progress.json().get("total_chunks").asInt()).isEqualTo(26);
		assertThat(progress.json().get("chunks_stored").asInt()).isBetween(1, 25);

		assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
		Response view = this.alice.get("/api/uploads/" + id);
		assertThat(view.json().get("protocol").asString()).isEqualTo("resumable");
		assertThat(view.json().get("md5").asString()).isEqualTo(md5(file));
		assertThat(this.stored.isCompleted(id)).as("%s", this.stored.of(id)).isTrue();
	}

	@Test
	void uploadWhenFlowOctetChunksThenComplete() {
		byte[] file = randomBytes(3 * 100_000 + 1234, 2);
		FileSpec spec = new FileSpec("flow", file, 100_000, "301234-flow_bin", "flow.bin");
		assertThat(raw(this.alice, spec, 2).status()).isEqualTo(200);
		assertThat(raw(this.alice, spec, 3).json().get("chunks_stored").asInt()).isEqualTo(2);
		Response last = raw(this.alice, spec, 1);
		assertThat(last.status()).isEqualTo(200);
		assertThat(last.json().get("status").asString()).isEqualTo("complete");
		assertThat(last.json().get("md5").asString()).isEqualTo(md5(file));
		assertThat(this.alice.get(last.json().get("url").asString().substring(this.alice.base().length())).bytes())
			.isEqualTo(file);
	}

	@Test
	void testGetWhenChunkMissingThen204AndWhenStoredThen200AndNothingChanges() {
		byte[] file = randomBytes(3 * 50_000, 3);
		FileSpec spec = new FileSpec("resumable", file, 50_000, "150000-get_bin", "get.bin");
		int uploadsBefore = count("upload");
		Response missing = this.alice.get("/api/resumable?" + query(spec, 2));
		assertThat(missing.status()).isEqualTo(204);
		assertThat(missing.bytes()).isEmpty();
		assertThat(count("upload")).isEqualTo(uploadsBefore);

		String id = multipart(this.alice, spec, 2).json().get("upload_id").asString();
		Response stored = this.alice.get("/api/resumable?" + query(spec, 2));
		assertThat(stored.status()).isEqualTo(200);
		assertThat(stored.json().get("upload_id").asString()).isEqualTo(id);
		assertThat(this.alice.get("/api/resumable?" + query(spec, 1)).status()).isEqualTo(204);
		assertThat(this.alice.get("/api/resumable?" + query(spec, 2, (p) -> {
			p.put("resumableChunkSize", "25000");
			p.put("resumableCurrentChunkSize", "25000");
			p.put("resumableTotalChunks", "6");
		})).status()).isEqualTo(204);
		assertThat(count("upload_chunk")).isOne();
		assertThat(count("upload")).isEqualTo(uploadsBefore + 1);

		multipart(this.alice, spec, 1);
		Response done = multipart(this.alice, spec, 3);
		assertThat(done.json().get("status").asString()).isEqualTo("complete");
		Response afterCompletion = this.alice.get("/api/resumable?" + query(spec, 1));
		assertThat(afterCompletion.status()).isEqualTo(200);
		assertThat(afterCompletion.json().get("status").asString()).isEqualTo("complete");
		assertThat(afterCompletion.json().get("md5").asString()).isEqualTo(md5(file));
		Response duplicateAfterCompletion = multipart(this.alice, spec, 2);
		assertThat(duplicateAfterCompletion.status()).isEqualTo(200);
		assertThat(duplicateAfterCompletion.json().get("upload_id").asString()).isEqualTo(id);
		assertThat(duplicateAfterCompletion.json().get("status").asString()).isEqualTo("complete");
	}

	@Test
	void uploadWhenLastChunksArriveAtOnceThenCompletesExactlyOnce(CapturedOutput output) throws Exception {
		for (int round = 0; round < 5; round++) {
			byte[] file = randomBytes(4 * 30_000 + 7, 100 + round);
			FileSpec spec = new FileSpec("resumable", file, 30_000, "race-" + round, "race.bin");
			multipart(this.alice, spec, 1);
			multipart(this.alice, spec, 3);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Response>> last = new ArrayList<>();
			for (int number : new int[] { 2, 4 }) {
				last.add(this.executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					return multipart(this.alice, spec, number);
				}));
			}
			start.countDown();
			Response a = last.get(0).get(30, TimeUnit.SECONDS);
			Response b = last.get(1).get(30, TimeUnit.SECONDS);
			assertThat(a.status()).isEqualTo(200);
			assertThat(b.status()).isEqualTo(200);
			assertThat(Stream.of(a, b).map((response) -> response.json().get("status").asString()))
				.contains("complete");
			String id = a.json().get("upload_id").asString();
			assertThat(output.getOut().split("Upload " + id + " of alice complete", -1)).hasSize(2);
			assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
		}
	}

	@Test
	void sameChunkWhenSentWhileBeingWrittenThen423AndWrittenOnce() throws Exception {
		byte[] file = randomBytes(2 * 400_000, 6);
		FileSpec spec = new FileSpec("resumable", file, 400_000, "800000-busy_bin", "busy.bin");
		String id = multipart(this.alice, spec, 2).json().get("upload_id").asString();
		String path = "/api/resumable?" + query(spec, 1);
		try (Socket first = new Socket("127.0.0.1", this.port)) {
			first.setSoTimeout(20_000);
			OutputStream out = first.getOutputStream();
			out.write(rawHead(path, 400_000).getBytes(StandardCharsets.US_ASCII));
			out.write(file, 0, 100_000);
			out.flush();
			awaitClaim(id, 1);
			Response second = raw(this.alice, spec, 1);
			assertThat(second.status()).isEqualTo(423);
			assertThat(second.header("Retry-After")).isEqualTo("1");
			assertThat(second.json().get("type").asString()).isEqualTo("/problems/chunk-busy");
			out.write(file, 100_000, 300_000);
			out.flush();
			byte[] head = new byte[12];
			InputStream in = first.getInputStream();
			assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
			assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
		}
		assertThat(this.alice.get("/api/uploads/" + id).json().get("status").asString()).isEqualTo("complete");
		assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
	}

	@Test
	void identifierWhenAnotherUserSendsItThenSeparateUploadsAndNoAccess() {
		byte[] aliceFile = randomBytes(2 * 10_000, 7);
		byte[] bobFile = randomBytes(2 * 10_000, 8);
		HttpTestClient bob = this.alice.as("bob");
		FileSpec alices = new FileSpec("resumable", aliceFile, 10_000, "20000-same_bin", "same.bin");
		FileSpec bobs = new FileSpec("resumable", bobFile, 10_000, "20000-same_bin", "same.bin");
		String aliceId = multipart(this.alice, alices, 1).json().get("upload_id").asString();
		assertThat(bob.get("/api/resumable?" + query(bobs, 1)).status()).isEqualTo(204);
		Response bobFirst = multipart(bob, bobs, 2);
		assertThat(bobFirst.json().get("upload_id").asString()).isNotEqualTo(aliceId);
		assertThat(bobFirst.json().get("chunks_stored").asInt()).isOne();
		assertThat(bob.get("/api/uploads/" + aliceId).status()).isEqualTo(404);
		assertThat(multipart(bob, bobs, 1).json().get("md5").asString()).isEqualTo(md5(bobFile));
		Response aliceLast = multipart(this.alice, alices, 2);
		assertThat(aliceLast.json().get("md5").asString()).isEqualTo(md5(aliceFile));
		assertThat(bob.get("/api/uploads/" + aliceId + "/content").status()).isEqualTo(404);
		assertThat(this.alice.get("/api/uploads/" + aliceId + "/content").bytes()).isEqualTo(aliceFile);
	}

	@Test
	void requestsWhenUnauthenticatedThen401() {
		FileSpec spec = new FileSpec("resumable", new byte[10], 10, "10-x", "x");
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		assertThat(anonymous.get("/api/resumable?" + query(spec, 1)).status()).isEqualTo(401);
		assertThat(raw(anonymous, spec, 1).status()).isEqualTo(401);
	}

	@Test
	void uploadWhenIdlePastExpirationThen404OnceAndSendingAgainStartsAfresh() {
		byte[] file = randomBytes(3 * 10_000, 9);
		FileSpec spec = new FileSpec("resumable", file, 10_000, "30000-idle_bin", "idle.bin");
		String idle = multipart(this.alice, spec, 1).json().get("upload_id").asString();
		this.clock.advance(Duration.ofHours(23));
		assertThat(multipart(this.alice, spec, 2).json().get("chunks_stored").asInt()).isEqualTo(2);
		this.clock.advance(Duration.ofHours(25));
		assertThat(this.alice.get("/api/resumable?" + query(spec, 1)).status()).isEqualTo(204);

		Response late = multipart(this.alice, spec, 3);
		assertThat(late.status()).isEqualTo(404);
		assertThat(late.contentType()).isEqualTo("application/problem+json");
		assertThat(late.json().get("type").asString()).isEqualTo("/problems/upload-expired");
		this.sweeper.expireIdleUploads(10);
		assertThat(this.alice.get("/api/uploads/" + idle).json().get("status").asString()).isEqualTo("expired");
		assertThat(this.stored.of(idle)).isEmpty();

		String fresh = multipart(this.alice, spec, 3).json().get("upload_id").asString();
		assertThat(fresh).isNotEqualTo(idle);
		multipart(this.alice, spec, 1);
		assertThat(multipart(this.alice, spec, 2).json().get("md5").asString()).isEqualTo(md5(file));
	}

	@Test
	void chunkWhenOverLimitsThen413AndNothingStored() {
		int uploadsBefore = count("upload");
		FileSpec tooLarge = new FileSpec("resumable", new byte[1000], 100, "big", "big.bin");
		Response total = raw(this.alice, tooLarge, 1, (p) -> {
			p.put("resumableTotalSize", "20000000");
			p.put("resumableTotalChunks", "200000");
		});
		assertThat(total.status()).as(total.text()).isIn(400, 413);
		FileSpec declaredLarge = new FileSpec("resumable", new byte[200_000], 100_000, "big2", "big.bin");
		Response overMax = raw(this.alice, declaredLarge, 1, (p) -> {
			p.put("resumableTotalSize", "20000000");
			p.put("resumableTotalChunks", "200");
		});
		assertThat(overMax.status()).isEqualTo(413);
		assertThat(overMax.json().get("type").asString()).isEqualTo("/problems/upload-too-large");
		byte[] file = randomBytes(2 * 1_500_000, 10);
		Response chunk = raw(this.alice, new FileSpec("resumable", file, 1_500_000, "3000000-c", "c.bin"), 1);
		assertThat(chunk.status()).isEqualTo(413);
		assertThat(chunk.json().get("type").asString()).isEqualTo("/problems/chunk-too-large");
		assertThat(count("upload")).isEqualTo(uploadsBefore);
	}

	static Stream<Arguments> badParameters() {
		return Stream.of(
				// what is wrong, change to the parameters, expected status, problem type
				Arguments.of("no chunk number", change((p) -> p.remove("resumableChunkNumber")), 400,
						"missing-parameter"),
				Arguments.of("no identifier", change((p) -> p.remove("resumableIdentifier")), 400, "missing-parameter"),
				Arguments.of("empty file name", change((p) -> p.put("resumableFilename", "")), 400,
						"missing-parameter"),
				Arguments.of("no total size", change((p) -> p.remove("resumableTotalSize")), 400, "missing-parameter"),
				Arguments.of("chunk number not a number", change((p) -> p.put("resumableChunkNumber", "two")), 400,
						"invalid-parameter"),
				Arguments.of("chunk number zero", change((p) -> p.put("resumableChunkNumber", "0")), 400,
						"invalid-parameter"),
				Arguments.of("chunk number past total", change((p) -> p.put("resumableChunkNumber", "4")), 400,
						"invalid-parameter"),
				Arguments.of("huge chunk number",
						change((p) -> p.put("resumableChunkNumber", "99999999999999999999999")), 400,
						"invalid-parameter"),
				Arguments.of("negative total size", change((p) -> p.put("resumableTotalSize", "-1")), 400,
						"invalid-parameter"),
				Arguments.of("zero chunk size", change((p) -> p.put("resumableChunkSize", "0")), 400,
						"invalid-parameter"),
				Arguments.of("chunks do not add up", change((p) -> p.put("resumableTotalChunks", "2")), 400,
						"invalid-parameter"),
				Arguments.of("too many chunks for the size", change((p) -> p.put("resumableTotalChunks", "5")), 400,
						"invalid-parameter"),
				Arguments.of("current chunk size wrong for the chunk",
						change((p) -> p.put("resumableCurrentChunkSize", "999")), 400, "invalid-parameter"),
				Arguments.of("file name with slashes still works",
						change((p) -> p.put("resumableFilename", "a/b/../c.bin")), 200, null),
				Arguments.of("identifier too long", change((p) -> p.put("resumableIdentifier", "x".repeat(5000))), 400,
						"invalid-parameter"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badParameters")
	void chunkWhenParametersWrongThenRefusedAndNothingChanged(String problem, Consumer<Map<String, String>> change,
			int status, String type) {
		byte[] file = randomBytes(3000, 11);
		FileSpec spec = new FileSpec("resumable", file, 1000, "3000-bad-" + problem.hashCode(), "bad.bin");
		int uploads = count("upload");
		int chunks = count("upload_chunk");
		int files = this.stored.everything().size();
		for (boolean multipart : new boolean[] { true, false }) {
			Response get = this.alice.get("/api/resumable?" + query(spec, 1, change));
			Response post = multipart ? multipart(this.alice, spec, 1, change) : raw(this.alice, spec, 1, change);
			if (status == 200) {
				assertThat(get.status()).isIn(200, 204);
				assertThat(post.status()).as(post.text()).isEqualTo(200);
				return;
			}
			for (Response response : List.of(get, post)) {
				assertThat(response.status()).as(problem + ": " + response.text()).isEqualTo(status);
				assertThat(response.contentType()).isEqualTo("application/problem+json");
				assertThat(response.json().get("type").asString()).isEqualTo("/problems/" + type);
				assertThat(response.json().get("detail").asString()).isNotBlank();
			}
		}
		assertThat(count("upload")).isEqualTo(uploads);
		assertThat(count("upload_chunk")).isEqualTo(chunks);
		assertThat(this.stored.everything()).hasSize(files);
	}

	/** Found by the fuzz test: Tomcat's refusal escaped as a logged server error. */
	@ParameterizedTest
	@ValueSource(strings = { "GET", "POST" })
	void requestWhenQueryUndecodableThen400Problem(String method) {
		Response response = this.alice
			.send(this.alice.request("/api/resumable?resumableChunkNumber=1&resumableFilename=%ff%fe")
				.header("Content-Type", "application/octet-stream")
				.method(method, java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/invalid-parameters");
	}

	@Test
	void chunkWhenBodyDoesNotMatchCurrentChunkSizeThen400AndChunkMissing() {
		byte[] file = randomBytes(3000, 12);
		FileSpec spec = new FileSpec("resumable", file, 1000, "3000-body", "body.bin");
		String id = multipart(this.alice, spec, 1).json().get("upload_id").asString();
		Map<String, String> fields = spec.parameters(2);
		Response shorter = this.alice.multipart("/api/resumable", null, fields, "file", "body.bin",
				Arrays.copyOfRange(file, 1000, 1999));
		assertThat(shorter.status()).isEqualTo(400);
		assertThat(shorter.json().get("type").asString()).isEqualTo("/problems/length-mismatch");
		Response longer = this.alice.multipart("/api/resumable", null, fields, "file", "body.bin",
				Arrays.copyOfRange(file, 1000, 2001));
		assertThat(longer.status()).isEqualTo(400);
		Response rawShorter = this.alice.send(this.alice.request("/api/resumable?" + query(spec, 2))
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(new byte[10])));
		assertThat(rawShorter.status()).isEqualTo(400);
		assertThat(this.alice.get("/api/resumable?" + query(spec, 2)).status()).isEqualTo(204);
		assertThat(this.jdbc.queryForObject("select count(*) from upload_chunk where upload_id = ?", Integer.class, id))
			.isOne();
		Response noFile = this.alice.multipart("/api/resumable", null, fields, "other", "x", new byte[1000]);
		assertThat(noFile.status()).isEqualTo(400);
		assertThat(noFile.json().get("type").asString()).isEqualTo("/problems/missing-chunk");
		Response form = this.alice.send(this.alice.request("/api/resumable")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString(query(spec, 2))));
		assertThat(form.status()).isEqualTo(400);
		Response malformed = this.alice.send(this.alice.request("/api/resumable")
			.header("Content-Type", "multipart/form-data; boundary=xyz")
			.POST(BodyPublishers.ofString("--xyz\r\nbroken")));
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.contentType()).isEqualTo("application/problem+json");
	}

	private Response sendUntilNotBusy(java.util.function.Supplier<Response> send) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			Response response = send.get();
			if (response.status() != 423 || System.nanoTime() > deadline) {
				return response;
			}
			Thread.sleep(10);
		}
	}

	private void awaitClaim(String id, int number) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (this.jdbc.queryForObject(
					"select count(*) from upload_chunk where upload_id = ? and chunk_number = ? and lease_owner is not null",
					Integer.class, id, number) == 1) {
				return;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("chunk " + number + " of " + id + " was never claimed");
	}

	private String rawHead(String path, int length) {
		String basic = Base64.getEncoder()
			.encodeToString(("alice:" + HttpTestClient.PASSWORD).getBytes(StandardCharsets.UTF_8));
		return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + basic
				+ "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\nContent-Length: " + length
				+ "\r\n\r\n";
	}

	private int count(String table) {
		return this.jdbc.queryForObject("select count(*) from " + table, Integer.class);
	}

	static Consumer<Map<String, String>> change(Consumer<Map<String, String>> change) {
		return change;
	}

	static Response multipart(HttpTestClient client, FileSpec spec, int number) {
		return multipart(client, spec, number, (p) -> {
		});
	}

	static Response multipart(HttpTestClient client, FileSpec spec, int number, Consumer<Map<String, String>> change) {
		Map<String, String> parameters = spec.parameters(number);
		change.accept(parameters);
		return client.multipart("/api/resumable", null, parameters, "file", "blob", spec.chunk(number));
	}

	static Response raw(HttpTestClient client, FileSpec spec, int number) {
		return raw(client, spec, number, (p) -> {
		});
	}

	static Response raw(HttpTestClient client, FileSpec spec, int number, Consumer<Map<String, String>> change) {
		return client.send(client.request("/api/resumable?" + query(spec, number, change))
			.header("Content-Type", "application/octet-stream")
			.POST(HttpRequest.BodyPublishers.ofByteArray(spec.chunk(number))));
	}

	static String query(FileSpec spec, int number) {
		return query(spec, number, (p) -> {
		});
	}

	static String query(FileSpec spec, int number, Consumer<Map<String, String>> change) {
		Map<String, String> parameters = spec.parameters(number);
		change.accept(parameters);
		return parameters.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	/**
	 * A file as resumable.js or flow.js cuts it: chunks of {@code chunkSize}, the last
	 * one taking the rest (up to twice the chunk size).
	 */
	record FileSpec(String prefix, byte[] file, int chunkSize, String identifier, String filename) {

		int totalChunks() {
			return Math.max(this.file.length / this.chunkSize, 1);
		}

		byte[] chunk(int number) {
			int start = (number - 1) * this.chunkSize;
			int end = (number == totalChunks()) ? this.file.length : start + this.chunkSize;
			return Arrays.copyOfRange(this.file, start, end);
		}

		Map<String, String> parameters(int number) {
			Map<String, String> parameters = new LinkedHashMap<>();
			parameters.put(this.prefix + "ChunkNumber", String.valueOf(number));
			parameters.put(this.prefix + "ChunkSize", String.valueOf(this.chunkSize));
			parameters.put(this.prefix + "CurrentChunkSize", String.valueOf(chunk(number).length));
			parameters.put(this.prefix + "TotalSize", String.valueOf(this.file.length));
			parameters.put(this.prefix + "Type", "application/octet-stream");
			parameters.put(this.prefix + "Identifier", this.identifier);
			parameters.put(this.prefix + "Filename", this.filename);
			parameters.put(this.prefix + "RelativePath", this.filename);
			parameters.put(this.prefix + "TotalChunks", String.valueOf(totalChunks()));
			return parameters;
		}

	}

}
