package dev.chunkedupload.protocol.rufh;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.RawHttp;
import dev.chunkedupload.testsupport.SameChunkRace;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resumable Uploads for HTTP over real HTTP, clause by clause of the draft, for each
 * interop version: a request, then the status, fields and problem the draft asks for,
 * then what is (or is not) stored. Version 6 says {@code Upload-Incomplete} where 8 and 9
 * say {@code Upload-Complete}; the helpers speak each version's field.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "chunked-upload.max-bytes=10MB",
		"chunked-upload.max-chunk-size=1MB", "chunked-upload.sweep-interval=1h" })
class RufhIntegrationTests {

	static final String PARTIAL = "application/partial-upload";

	static final String PROBLEMS = "https://iana.org/assignments/http-problem-types#";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	// ---- OPTIONS

	@ParameterizedTest
	@ValueSource(ints = { 6, 8, 9 })
	void optionsWhenAskedWithoutCredentialsThen200WithUploadLimit(int version) {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		Response response = anonymous.send(anonymous.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", String.valueOf(version))
			.method("OPTIONS", BodyPublishers.noBody()));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("Upload-Limit")).isEqualTo(
				"max-size=10485760, max-append-size=1048576, " + ((version == 6) ? "expires" : "max-age") + "=86400");
		assertThat(response.header("Upload-Draft-Interop-Version")).isEqualTo(String.valueOf(version));
	}

	// ---- Creation

	@ParameterizedTest
	@ValueSource(ints = { 6, 8, 9 })
	void postWhenCompleteBodyThen201CompleteAndListedWithMd5(int version) {
		byte[] file = randomBytes(300_000, version);
		Response created = this.alice
			.send(creation(version, true).header("Content-Type", "image/png").POST(BodyPublishers.ofByteArray(file)));
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		assertThat(created.header("Location")).matches("http://127.0.0.1:" + this.port + "/api/rufh/[0-9a-f]{32}");
		assertThat(created.header("Upload-Offset")).isEqualTo("300000");
		assertComplete(version, created, true);
		assertContent(idOf(created), file);
		assertThat(this.alice.get("/api/uploads/" + idOf(created)).json().get("status").asString())
			.isEqualToIgnoringCase("complete");
	}

	@ParameterizedTest
	@ValueSource(ints = { 6, 8, 9 })
	void postWhenIncompleteWithoutBodyThen201WithLocationAndUploadLimitAndHeadSaysOffsetZero(int version) {
		Response created = this.alice
			.send(creation(version, false).header("Upload-Length", "1000").POST(BodyPublishers.noBody()));
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		assertThat(created.header("Upload-Limit")).matches(
				"max-size=10485760, max-append-size=1048576, " + ((version == 6) ? "expires" : "max-age") + "=\\d+");
		assertComplete(version, created, false);
		Response head = head(version, pathOf(created));
		assertThat(head.status()).isEqualTo(204);
		assertThat(head.header("Upload-Offset")).isEqualTo("0");
		assertThat(head.header("Upload-Length")).isEqualTo("1000");
		assertThat(head.header("Cache-Control")).isEqualTo("no-store");
		assertThat(head.header("Upload-Limit")).contains("max-size=10485760");
		assertComplete(version, head, false);
	}

	@ParameterizedTest
	@ValueSource(ints = { 6, 8, 9 })
	void appendsWhenSeveralThenCompleteWhenClientSaysSoWithMd5(int version) {
		byte[] file = randomBytes(250_000, 40 + version);
		Response created = this.alice
			.send(creation(version, false).POST(BodyPublishers.ofByteArray(slice(file, 0, 100_000))));
		String path = pathOf(created);
		assertThat(created.header("Upload-Offset")).isEqualTo("100000");
		Response second = append(version, path, 100_000, false, slice(file, 100_000, 200_000));
		assertThat(second.status()).as(second.text()).isEqualTo(204);
		assertThat(second.header("Upload-Offset")).isEqualTo("200000");
		assertComplete(version, second, false);
		assertThat(this.alice.get("/api/uploads/" + idOf(path)).json().get("status").asString())
			.isEqualToIgnoringCase("uploading");
		Response last = append(version, path, 200_000, true, slice(file, 200_000, 250_000));
		assertThat(last.status()).as(last.text()).isEqualTo(204);
		assertComplete(version, last, true);
		assertContent(idOf(path), file);
		Response head = head(version, path);
		assertThat(head.header("Upload-Length")).isEqualTo("250000");
		assertComplete(version, head, true);
	}

	@Test
	void postWhenUploadLengthDisagreesWithCompleteBodyThen400InconsistentUploadLengthAndNoUpload() {
		int before = uploadCount();
		Response response = this.alice
			.send(creation(9, true).header("Upload-Length", "500").POST(BodyPublishers.ofByteArray(new byte[400])));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo(PROBLEMS + "inconsistent-upload-length");
		assertThat(uploadCount()).isEqualTo(before);
	}

	@Test
	void postWhenBodyLongerThanUploadLengthThen400InconsistentUploadLength() {
		Response response = this.alice
			.send(creation(9, false).header("Upload-Length", "100").POST(BodyPublishers.ofByteArray(new byte[400])));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo(PROBLEMS + "inconsistent-upload-length");
	}

	@ParameterizedTest
	@ValueSource(strings = { "?2", "1", "true", "?1;x", "" })
	void postWhenUploadCompleteInvalidThenAbsentSo400InVersions8And9(String value) {
		for (int version : List.of(8, 9)) {
			Response response = this.alice.send(this.alice.request("/api/rufh")
				.header("Upload-Draft-Interop-Version", String.valueOf(version))
				.header("Upload-Complete", value)
				.POST(BodyPublishers.ofByteArray(new byte[10])));
			assertThat(response.status()).as(response.text()).isEqualTo(400);
			assertThat(response.json().get("type").asString()).isEqualTo("/problems/missing-upload-complete");
		}
	}

	@Test
	void postWhenVersion6AndUploadCompleteAsTusJsClientSendsThenIncompleteUpload() {
		Response created = this.alice.send(this.alice.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", "6")
			.header("Upload-Complete", "?0")
			.header("Upload-Length", "100")
			.POST(BodyPublishers.noBody()));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Upload-Complete")).isEqualTo("?0");
		assertThat(created.header("Upload-Incomplete")).isEqualTo("?1");
	}

	@Test
	void postWhenVersion6AndUploadIncompleteInvalidThenAbsentSoComplete() {
		Response created = this.alice.send(this.alice.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", "6")
			.header("Upload-Incomplete", "yes")
			.POST(BodyPublishers.ofByteArray(new byte[10])));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Upload-Incomplete")).isEqualTo("?0");
	}

	@ParameterizedTest
	@ValueSource(strings = { "3", "5", "7", "10", "x" })
	void requestsWhenInteropVersionUnsupportedThen400(String version) {
		Response response = this.alice.send(this.alice.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", version)
			.header("Upload-Complete", "?1")
			.POST(BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/unsupported-interop-version");
	}

	@Test
	void postWhenNoInteropVersionThenLatestDraft() {
		Response created = this.alice
			.send(this.alice.request("/api/rufh").header("Upload-Complete", "?1").POST(BodyPublishers.ofString("hi")));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Upload-Complete")).isEqualTo("?1");
		assertThat(created.header("Upload-Draft-Interop-Version")).isEqualTo("9");
	}

	@Test
	void postWhenLengthOverMaxSizeThen413AndNoUpload() {
		int before = uploadCount();
		Response response = this.alice
			.send(creation(9, false).header("Upload-Length", "20000000").POST(BodyPublishers.noBody()));
		assertThat(response.status()).isEqualTo(413);
		assertThat(uploadCount()).isEqualTo(before);
	}

	// ---- Append

	@ParameterizedTest
	@ValueSource(ints = { 6, 8, 9 })
	void patchWhenOffsetMismatchThen409MismatchingUploadOffsetAndNothingWritten(int version) {
		String path = pathOf(
				this.alice.send(creation(version, false).POST(BodyPublishers.ofByteArray(new byte[1000]))));
		Response response = append(version, path, 500, false, new byte[10]);
		assertThat(response.status()).isEqualTo(409);
		assertThat(response.header("Upload-Offset")).isEqualTo("1000");
		assertThat(response.json().get("type").asString()).isEqualTo(PROBLEMS + "mismatching-upload-offset");
		assertThat(response.json().get("expected-offset").asLong()).isEqualTo(1000);
		assertThat(response.json().get("provided-offset").asLong()).isEqualTo(500);
		assertThat(head(version, path).header("Upload-Offset")).isEqualTo("1000");
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/octet-stream", "application/offset+octet-stream" })
	void patchWhenNotPartialUploadThen415(String type) {
		String path = pathOf(this.alice.send(creation(9, false).POST(BodyPublishers.noBody())));
		Response response = this.alice.send(this.alice.request(path)
			.header("Upload-Draft-Interop-Version", "9")
			.header("Content-Type", type)
			.header("Upload-Offset", "0")
			.header("Upload-Complete", "?0")
			.method("PATCH", BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(415);
	}

	@Test
	void patchWhenUploadOffsetMissingOrInvalidThen400() {
		String path = pathOf(this.alice.send(creation(9, false).POST(BodyPublishers.noBody())));
		for (String offset : List.of("-1", "abc", "1.5")) {
			Response response = this.alice.send(this.alice.request(path)
				.header("Upload-Draft-Interop-Version", "9")
				.header("Content-Type", PARTIAL)
				.header("Upload-Offset", offset)
				.header("Upload-Complete", "?0")
				.method("PATCH", BodyPublishers.ofByteArray(new byte[10])));
			assertThat(response.status()).as(offset).isEqualTo(400);
		}
	}

	@Test
	void patchWhenCompletingShortOfUploadLengthThen400InconsistentUploadLength() {
		String path = pathOf(this.alice
			.send(creation(9, false).header("Upload-Length", "1000").POST(BodyPublishers.ofByteArray(new byte[100]))));
		Response response = append(9, path, 100, true, new byte[100]);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo(PROBLEMS + "inconsistent-upload-length");
		assertThat(head(9, path).header("Upload-Offset")).isEqualTo("100");
	}

	@Test
	void patchWhenUploadCompleteAndSameOffsetWithoutBytesThen204ElseRefused() {
		String path = pathOf(this.alice.send(creation(9, true).POST(BodyPublishers.ofByteArray(new byte[100]))));
		assertThat(append(9, path, 100, true, new byte[0]).status()).isEqualTo(204);
		assertThat(append(9, path, 100, true, new byte[5]).status()).isEqualTo(400);
		assertThat(append(9, path, 50, true, new byte[5]).status()).isEqualTo(409);
		Response v8 = append(8, path, 100, true, new byte[5]);
		assertThat(v8.status()).isEqualTo(400);
		assertThat(v8.json().get("type").asString()).isEqualTo(PROBLEMS + "completed-upload");
	}

	@Test
	void creationWhenBodyBreaksOffHalfWayThenHeadTellsWhatArrivedAndPatchFinishes() throws Exception {
		byte[] file = randomBytes(600_000, 77);
		List<String> before = uploadIds();
		String id;
		try (RawHttp interrupted = RawHttp.request(this.port, "alice", "POST /api/rufh HTTP/1.1", "Upload-Complete: ?1",
				"Content-Type: application/octet-stream", "Content-Length: 600000")) {
			interrupted.send(file, 0, 250_000);
			id = awaitNewUpload(before);
			SameChunkRace.awaitLease(this.jdbc, id, true);
		}
		String path = "/api/rufh/" + id;
		Response head = awaitOffset(path, "250000");
		assertThat(head.status()).isEqualTo(204);
		assertThat(head.header("Upload-Offset")).isEqualTo("250000");
		assertComplete(9, head, false);
		Response rest = append(9, path, 250_000, true, slice(file, 250_000, 600_000));
		assertThat(rest.status()).as(rest.text()).isEqualTo(204);
		assertContent(id, file);
	}

	@ParameterizedTest
	@ValueSource(ints = { 6, 8, 9 })
	void creationWhenInteropVersionSentThen104WithLocationBeforeTheBodyAndResumedFromIt(int version) throws Exception {
		byte[] file = randomBytes(600_000, 90 + version);
		String interim;
		try (RawHttp creation = RawHttp.request(this.port, "alice", "POST /api/rufh HTTP/1.1",
				"Upload-Draft-Interop-Version: " + version,
				(version == 6) ? "Upload-Incomplete: ?0" : "Upload-Complete: ?1",
				"Content-Type: application/octet-stream", "Content-Length: 600000")) {
			interim = creation.response();
			assertThat(interim).startsWith("HTTP/1.1 104 ");
			creation.send(file, 0, 300_000);
		}
		String head = interim.substring(0, interim.indexOf("\r\n\r\n") + 4);
		assertThat(head).containsPattern("(?i)\r\nUpload-Draft-Interop-Version: " + version + "\r\n")
			.containsPattern("(?i)\r\nUpload-Limit: max-size=10485760, max-append-size=1048576, "
					+ ((version == 6) ? "expires" : "max-age") + "=\\d+\r\n")
			.doesNotContainIgnoringCase("Content-Length");
		String location = head.replaceAll("(?is).*\r\nLocation: ([^\r]+)\r\n.*", "$1");
		String path = URI.create(location).getPath();
		assertThat(path).matches("/api/rufh/[0-9a-f]{32}");
		awaitOffset(path, "300000");
		Response rest = append(version, path, 300_000, true, slice(file, 300_000, 600_000));
		assertThat(rest.status()).as(rest.text()).isEqualTo(204);
		assertContent(idOf(path), file);
	}

	@Test
	void creationWhenNoInteropVersionSentThenNo104ButTheFinalAnswer() throws Exception {
		try (RawHttp creation = RawHttp.request(this.port, "alice", "POST /api/rufh HTTP/1.1", "Upload-Complete: ?1",
				"Content-Length: 5", "Connection: close")) {
			creation.send("hello");
			assertThat(creation.response()).startsWith("HTTP/1.1 201 ");
		}
	}

	@Test
	void creationWhenHttp10ThenNo104() throws Exception {
		try (RawHttp creation = RawHttp.request(this.port, "alice", "POST /api/rufh HTTP/1.0",
				"Upload-Draft-Interop-Version: 9", "Upload-Complete: ?1", "Content-Length: 5")) {
			creation.send("hello");
			assertThat(creation.response()).startsWith("HTTP/1.1 201 ");
		}
	}

	// ---- Cancellation, ownership, authentication

	@Test
	void deleteWhenUploadThen204ThenEveryRequest404() {
		String path = pathOf(this.alice.send(creation(9, false).POST(BodyPublishers.ofByteArray(new byte[10]))));
		assertThat(this.alice.send(this.alice.request(path).DELETE()).status()).isEqualTo(204);
		assertThat(head(9, path).status()).isEqualTo(404);
		assertThat(append(9, path, 10, true, new byte[1]).status()).isEqualTo(404);
	}

	@Test
	void deleteWhenAnAppendIsStillWritingThenTheAppendIsStoppedAndTheUploadGoes() throws Exception {
		String path = pathOf(this.alice.send(creation(9, false).POST(BodyPublishers.ofByteArray(new byte[10]))));
		// 60 pieces of 16 KiB every 100 ms: six seconds of a slow uplink, within the
		// test's
		// 1 MB append limit.
		byte[] piece = randomBytes(16 * 1024, 71);
		ExecutorService sender = Executors.newSingleThreadExecutor();
		try (RawHttp append = RawHttp.request(this.port, "alice", "PATCH " + path + " HTTP/1.1",
				"Upload-Draft-Interop-Version: 9", "Content-Type: " + PARTIAL, "Upload-Offset: 10",
				"Upload-Complete: ?1", "Content-Length: " + (60L * piece.length))) {
			// A slow uplink: the append keeps receiving while the client cancels.
			AtomicBoolean sending = new AtomicBoolean(true);
			Future<?> slow = sender.submit(() -> {
				for (int i = 0; i < 60 && sending.get(); i++) {
					append.send(piece, 0, piece.length);
					Thread.sleep(100);
				}
				return null;
			});
			// While it writes, the upload is busy for a plain deletion.
			SameChunkRace.awaitLease(this.jdbc, idOf(path), true);
			assertThat(this.alice.delete("/api/uploads/" + idOf(path)).status()).isEqualTo(409);
			Response cancel = this.alice
				.send(this.alice.request(path).header("Upload-Draft-Interop-Version", "9").DELETE());
			sending.set(false);
			// Without stopping the writer, the cancellation would find the upload busy
			// for as long as the client keeps sending.
			assertThat(cancel.status()).as(cancel.toString()).isEqualTo(204);
			assertThat(head(9, path).status()).isEqualTo(404);
			assertThat(this.alice.get("/api/uploads/" + idOf(path)).json().get("status").asText()).isEqualTo("aborted");
			slow.cancel(true);
		}
		finally {
			sender.shutdownNow();
		}
	}

	@Test
	void requestsWhenAnotherUsersUploadOrMalformedIdThen404AndNothingChanged() {
		String path = pathOf(this.alice.send(creation(9, false).POST(BodyPublishers.ofByteArray(new byte[10]))));
		HttpTestClient bob = this.alice.as("bob");
		assertThat(bob.send(bob.request(path).method("HEAD", BodyPublishers.noBody())).status()).isEqualTo(404);
		assertThat(bob.send(bob.request(path).DELETE()).status()).isEqualTo(404);
		assertThat(head(9, "/api/rufh/not-an-id").status()).isEqualTo(404);
		assertThat(head(9, path).header("Upload-Offset")).isEqualTo("10");
	}

	@Test
	void requestsWhenUnauthenticatedThen401() {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		assertThat(anonymous
			.send(anonymous.request("/api/rufh")
				.header("Upload-Complete", "?1")
				.POST(BodyPublishers.ofByteArray(new byte[10])))
			.status()).isEqualTo(401);
	}

	// ---- helpers

	private HttpRequest.Builder creation(int version, boolean complete) {
		HttpRequest.Builder request = this.alice.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", String.valueOf(version));
		return (version == 6) ? request.header("Upload-Incomplete", complete ? "?0" : "?1")
				: request.header("Upload-Complete", complete ? "?1" : "?0");
	}

	private Response append(int version, String path, long offset, boolean complete, byte[] bytes) {
		HttpRequest.Builder request = this.alice.request(path)
			.header("Upload-Draft-Interop-Version", String.valueOf(version))
			.header("Content-Type", PARTIAL)
			.header("Upload-Offset", String.valueOf(offset));
		request = (version == 6) ? request.header("Upload-Incomplete", complete ? "?0" : "?1")
				: request.header("Upload-Complete", complete ? "?1" : "?0");
		return this.alice.send(request.method("PATCH", BodyPublishers.ofByteArray(bytes)));
	}

	private Response head(int version, String path) {
		return this.alice.send(this.alice.request(path)
			.header("Upload-Draft-Interop-Version", String.valueOf(version))
			.method("HEAD", BodyPublishers.noBody()));
	}

	/**
	 * The creation's request is still storing what arrived when the socket closes; a
	 * client would resume from whatever offset it is told, so waiting is for the test.
	 */
	private Response awaitOffset(String path, String offset) throws InterruptedException {
		Response head = head(9, path);
		for (int i = 0; i < 400 && !offset.equals(head.header("Upload-Offset")); i++) {
			Thread.sleep(25);
			head = head(9, path);
		}
		return head;
	}

	private static void assertComplete(int version, Response response, boolean complete) {
		assertThat(response.header("Upload-Complete")).isEqualTo(complete ? "?1" : "?0");
		if (version == 6) {
			assertThat(response.header("Upload-Incomplete")).isEqualTo(complete ? "?0" : "?1");
		}
		else {
			assertThat(response.header("Upload-Incomplete")).isNull();
		}
	}

	private void assertContent(String id, byte[] file) {
		Response content = this.alice.get("/api/uploads/" + id + "/content");
		assertThat(content.status()).as(content.text()).isEqualTo(200);
		assertThat(content.bytes()).isEqualTo(file);
		assertThat(this.alice.get("/api/uploads/" + id).json().get("md5").asString()).isEqualTo(md5(file));
	}

	private int uploadCount() {
		return this.jdbc.queryForObject("select count(*) from upload where status <> 'ABORTED'", Integer.class);
	}

	private List<String> uploadIds() {
		return this.jdbc.queryForList("select upload_id from upload", String.class);
	}

	private String awaitNewUpload(List<String> before) throws InterruptedException {
		for (int i = 0; i < 400; i++) {
			List<String> now = uploadIds();
			now.removeAll(before);
			if (!now.isEmpty()) {
				return now.get(0);
			}
			Thread.sleep(25);
		}
		throw new AssertionError("no upload was created");
	}

	private static String pathOf(Response created) {
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		return URI.create(created.header("Location")).getPath();
	}

	private static String idOf(Response created) {
		return idOf(pathOf(created));
	}

	private static String idOf(String path) {
		return path.substring(path.lastIndexOf('/') + 1);
	}

	private static byte[] slice(byte[] bytes, int from, int to) {
		return Arrays.copyOfRange(bytes, from, to);
	}

}
