package dev.chunkedupload.protocol.chunked;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.RawHttp;
import dev.chunkedupload.testsupport.SameChunkRace;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.StoredUploads;
import dev.chunkedupload.testsupport.TestClockConfiguration;
import dev.chunkedupload.upload.UploadSweeper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
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
 * The django-chunked-upload protocol over real HTTP: request, then expected status,
 * headers and body, and what is (or is not) stored afterwards.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.max-bytes=10MB", "chunked-upload.max-chunk-size=2MB",
				"chunked-upload.sweep-interval=1h" })
@Import(TestClockConfiguration.class)
class ChunkedUploadIntegrationTests {

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

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.stored = StoredUploads.of(this.context);
	}

	@Test
	void uploadWhenChunksInOrderThenCompleteFileAndMd5() {
		byte[] file = randomBytes(2_500_000, 1);
		Response first = this.alice.multipartChunk(null, "bytes 0-999999/2500000", slice(file, 0, 1_000_000),
				"../../my \"report\".bin");
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.contentType()).startsWith("application/json");
		String id = first.json().get("upload_id").asString();
		assertThat(id).matches("[0-9a-f]{32}");
		assertThat(first.json().get("offset").asLong()).isEqualTo(1_000_000);
		assertThat(first.json().get("expires").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(first.header("Range")).isEqualTo("0-999999");

		Response second = this.alice.rawChunk(id, "bytes 1000000-1999999/2500000", slice(file, 1_000_000, 2_000_000),
				null);
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.json().get("offset").asLong()).isEqualTo(2_000_000);
		assertThat(second.header("Range")).isEqualTo("0-1999999");

		Response third = this.alice.multipartChunk(id, "bytes 2000000-2499999/2500000",
				slice(file, 2_000_000, 2_500_000), "ignored.bin");
		assertThat(third.json().get("offset").asLong()).isEqualTo(2_500_000);

		Response status = this.alice.get("/api/chunked-upload/" + id);
		assertThat(status.json().get("offset").asLong()).isEqualTo(2_500_000);
		assertThat(status.json().get("total").asLong()).isEqualTo(2_500_000);
		assertThat(status.json().get("status").asString()).isEqualTo("uploading");

		Response complete = this.alice.complete(id, md5(file).toUpperCase());
		assertThat(complete.status()).isEqualTo(200);
		assertThat(complete.json().get("upload_id").asString()).isEqualTo(id);
		assertThat(complete.json().get("filename").asString()).isEqualTo("my report.bin");
		assertThat(complete.json().get("size").asLong()).isEqualTo(2_500_000);
		assertThat(complete.json().get("md5").asString()).isEqualTo(md5(file));
		assertThat(complete.json().get("status").asString()).isEqualTo("complete");
		assertThat(complete.json().get("url").asString())
			.isEqualTo(this.alice.base() + "/api/uploads/" + id + "/content");

		Response content = this.alice.get("/api/uploads/" + id + "/content");
		assertThat(content.status()).isEqualTo(200);
		assertThat(content.bytes()).isEqualTo(file);
		assertThat(content.header("ETag")).isEqualTo("\"" + md5(file) + "\"");
		assertThat(content.header("Content-Disposition")).startsWith("attachment;").contains("my report.bin");

		Response range = this.alice.get("/api/uploads/" + id + "/content", "Range", "bytes=100-199");
		assertThat(range.status()).isEqualTo(206);
		assertThat(range.bytes()).isEqualTo(slice(file, 100, 200));
		assertThat(this.alice.get("/api/uploads/" + id + "/content", "If-None-Match", "\"" + md5(file) + "\"").status())
			.isEqualTo(304);

		Response view = this.alice.get("/api/uploads/" + id);
		assertThat(view.json().get("status").asString()).isEqualTo("complete");
		assertThat(view.json().get("protocol").asString()).isEqualTo("chunked");
		assertThat(view.json().get("md5").asString()).isEqualTo(md5(file));
		assertThat(this.stored.isCompleted(id)).as("%s", this.stored.of(id)).isTrue();
	}

	@Test
	void completeWhenRepeatedWithSameMd5ThenSameAnswerAndOtherMd5Refused() {
		byte[] file = randomBytes(1000, 2);
		String id = start(file);
		Response first = this.alice.complete(id, md5(file));
		Response again = this.alice.complete(id, md5(file));
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json()).isEqualTo(first.json());
		Response other = this.alice.complete(id, "0".repeat(32));
		assertThat(other.status()).isEqualTo(400);
		assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
	}

	@Test
	void completeWhenMd5WrongThenRefusedAndUploadStaysOpen() {
		byte[] file = randomBytes(1000, 3);
		String id = start(file);
		Response wrong = this.alice.complete(id, "0".repeat(32));
		assertThat(wrong.status()).isEqualTo(400);
		assertThat(wrong.contentType()).isEqualTo("application/problem+json");
		assertThat(wrong.json().get("detail").asString()).contains("does not match");
		assertThat(this.alice.get("/api/chunked-upload/" + id).json().get("status").asString()).isEqualTo("uploading");
		assertThat(this.alice.complete(id, md5(file)).status()).isEqualTo(200);
	}

	@Test
	void chunkWhenNoContentRangeThenWholeFileInOneChunk() {
		byte[] file = randomBytes(5000, 4);
		Response response = this.alice.multipartChunk(null, null, file, "whole.bin");
		assertThat(response.status()).isEqualTo(200);
		String id = response.json().get("upload_id").asString();
		assertThat(response.json().get("offset").asLong()).isEqualTo(5000);
		assertThat(this.alice.get("/api/chunked-upload/" + id).json().get("total").asLong()).isEqualTo(5000);
		assertThat(this.alice.complete(id, md5(file)).status()).isEqualTo(200);
	}

	@Test
	void chunkWhenClientDisconnectsMidBodyThenNothingKeptAndUploadResumes() throws Exception {
		byte[] file = randomBytes(1_500_000, 5);
		String id = start(slice(file, 0, 500_000), "bytes 0-499999/1500000");
		try (RawHttp interrupted = RawHttp.chunk(this.port, "alice", id, "bytes 500000-999999/1500000", 500_000)) {
			interrupted.send(file, 500_000, 200_000);
			SameChunkRace.awaitLease(this.jdbc, id, true);
		}
		SameChunkRace.awaitLease(this.jdbc, id, false);
		assertThat(this.alice.get("/api/chunked-upload/" + id).json().get("offset").asLong()).isEqualTo(500_000);
		assertThat(this.stored.unfinishedLength(id)).isEqualTo(500_000);
		Response resumed = this.alice.rawChunk(id, "bytes 500000-999999/1500000", slice(file, 500_000, 1_000_000),
				null);
		assertThat(resumed.status()).isEqualTo(200);
		assertThat(this.alice.rawChunk(id, "bytes 1000000-1499999/1500000", slice(file, 1_000_000, 1_500_000), null)
			.status()).isEqualTo(200);
		assertThat(this.alice.complete(id, md5(file)).status()).isEqualTo(200);
		assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
	}

	@Test
	void chunkWhenPartFileLongerThanRecordedOffsetThenCutBackBeforeWriting() {
		byte[] file = randomBytes(2000, 6);
		String id = start(slice(file, 0, 1000), "bytes 0-999/2000");
		this.stored.leaveLeftovers(id, randomBytes(777, 99));
		assertThat(this.alice.get("/api/chunked-upload/" + id).json().get("offset").asLong()).isEqualTo(1000);
		assertThat(this.alice.rawChunk(id, "bytes 1000-1999/2000", slice(file, 1000, 2000), null).status())
			.isEqualTo(200);
		assertThat(this.alice.complete(id, md5(file)).status()).isEqualTo(200);
		assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
	}

	@Test
	void completeWhenPartFileLongerThanRecordedOffsetThenStoredFileHasOnlyAcknowledgedBytes() {
		byte[] file = randomBytes(1000, 7);
		String id = start(file);
		this.stored.leaveLeftovers(id, randomBytes(10, 98));
		assertThat(this.alice.complete(id, md5(file)).status()).isEqualTo(200);
		assertThat(this.alice.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
	}

	@Test
	void sameChunkWhenSentTwiceAtOnceThenExactlyOneWinsAndFileIsRight() throws Exception {
		SameChunkRace.run(this.port, this.port, this.jdbc);
	}

	@Test
	void uploadWhenIdlePastExpirationThenGoneAndSweptButCompletedKept() {
		byte[] file = randomBytes(1000, 9);
		String idle = start(slice(file, 0, 500), "bytes 0-499/1000");
		String done = start(file);
		assertThat(this.alice.complete(done, md5(file)).status()).isEqualTo(200);
		String active = start(slice(file, 0, 500), "bytes 0-499/1000");
		this.clock.advance(Duration.ofHours(23));
		assertThat(this.alice.rawChunk(active, "bytes 500-999/1000", slice(file, 500, 1000), null).status())
			.isEqualTo(200);
		this.clock.advance(Duration.ofHours(2));

		Response late = this.alice.rawChunk(idle, "bytes 500-999/1000", slice(file, 500, 1000), null);
		assertThat(late.status()).isEqualTo(410);
		assertThat(late.contentType()).isEqualTo("application/problem+json");
		assertThat(this.alice.complete(idle, md5(file)).status()).isEqualTo(410);
		assertThat(this.alice.get("/api/chunked-upload/" + idle).json().get("status").asString()).isEqualTo("expired");
		assertThat(this.alice.get("/api/uploads/" + idle).json().get("status").asString()).isEqualTo("expired");
		assertThat(this.alice.get("/api/uploads?status=expired").json().findValuesAsString("upload_id")).contains(idle);
		assertThat(this.stored.of(idle)).isNotEmpty();

		this.sweeper.expireIdleUploads(10);

		assertThat(this.stored.of(idle)).isEmpty();
		assertThat(this.alice.get("/api/uploads/" + idle).json().get("status").asString()).isEqualTo("expired");
		assertThat(this.alice.get("/api/uploads/" + done + "/content").bytes()).isEqualTo(file);
		assertThat(this.alice.get("/api/uploads/" + active).json().get("status").asString()).isEqualTo("uploading");
		assertThat(this.alice.complete(active, md5(file)).status()).isEqualTo(200);
	}

	@Test
	void uploadWhenAnotherUserAsksThenNotFoundEverywhere() {
		byte[] file = randomBytes(1000, 10);
		String id = start(slice(file, 0, 500), "bytes 0-499/1000");
		HttpTestClient bob = this.alice.as("bob");
		assertThat(bob.rawChunk(id, "bytes 500-999/1000", slice(file, 500, 1000), null).status()).isEqualTo(404);
		assertThat(bob.multipartChunk(id, "bytes 500-999/1000", slice(file, 500, 1000), "x").status()).isEqualTo(404);
		assertThat(bob.get("/api/chunked-upload/" + id).status()).isEqualTo(404);
		assertThat(bob.complete(id, md5(file)).status()).isEqualTo(404);
		assertThat(bob.delete("/api/chunked-upload/" + id).status()).isEqualTo(404);
		assertThat(bob.get("/api/uploads/" + id).status()).isEqualTo(404);
		assertThat(bob.delete("/api/uploads/" + id).status()).isEqualTo(404);
		assertThat(bob.get("/api/uploads").json().findValuesAsString("upload_id")).doesNotContain(id);
		assertThat(this.alice.get("/api/chunked-upload/" + id).json().get("offset").asLong()).isEqualTo(500);

		HttpTestClient root = this.alice.as("root");
		assertThat(root.get("/api/uploads/" + id).status()).isEqualTo(200);
		assertThat(root.get("/api/uploads?all=true").json().findValuesAsString("upload_id")).contains(id);
		assertThat(root.get("/api/uploads").json().findValuesAsString("upload_id")).doesNotContain(id);
		assertThat(root.rawChunk(id, "bytes 500-999/1000", slice(file, 500, 1000), null).status()).isEqualTo(404);
	}

	@Test
	void requestsWhenUnauthenticatedThen401Problem() {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		Response response = anonymous.rawChunk(null, "bytes 0-9/10", new byte[10], "x");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
		assertThat(anonymous.get("/api/uploads").status()).isEqualTo(401);
		assertThat(new HttpTestClient(this.port, "mallory").get("/api/uploads").status()).isEqualTo(401);
	}

	@Test
	void deleteWhenUploadingThenAbortedAndBytesGone() {
		String id = start(randomBytes(500, 11), "bytes 0-499/1000");
		assertThat(this.stored.of(id)).isNotEmpty();
		assertThat(this.alice.delete("/api/chunked-upload/" + id).status()).isEqualTo(204);
		assertThat(this.stored.of(id)).isEmpty();
		assertThat(this.alice.get("/api/chunked-upload/" + id).status()).isEqualTo(404);
		assertThat(this.alice.rawChunk(id, "bytes 500-999/1000", new byte[500], null).status()).isEqualTo(404);
		assertThat(this.alice.get("/api/uploads/" + id).json().get("status").asString()).isEqualTo("aborted");
	}

	@Test
	void deleteWhenCompleteThenContentGone() {
		byte[] file = randomBytes(100, 12);
		String id = start(file);
		this.alice.complete(id, md5(file));
		assertThat(this.alice.delete("/api/uploads/" + id).status()).isEqualTo(204);
		assertThat(this.alice.get("/api/uploads/" + id + "/content").status()).isEqualTo(404);
		assertThat(this.stored.of(id)).isEmpty();
	}

	static Stream<Arguments> badContentRanges() {
		return Stream
			.of("bytes 500-999", "bytes=500-999/1000", "bytes 500-999/*", "bytes 999-500/1000", "bytes 500-1000/1000",
					"bytes 500-999/abc", "octets 500-999/1000", "bytes 500-99999999999999999999/1000", "",
					"bytes 500-999/1000, bytes 0-1/1000")
			.map(Arguments::of);
	}

	@ParameterizedTest
	@MethodSource("badContentRanges")
	void chunkWhenContentRangeMalformedThen400AndNothingChanged(String contentRange) {
		String id = start(randomBytes(500, 13), "bytes 0-499/1000");
		int filesBefore = this.stored.everything().size();
		Response response = this.alice.rawChunk(id, contentRange, new byte[500], null);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(response.json().get("detail").asString()).contains("Content-Range");
		assertUnchanged(id, 500, filesBefore);
	}

	static Stream<Arguments> badChunks() {
		return Stream.of(
				// what is wrong, Content-Range, body length, expected status, problem
				// type
				Arguments.of("start before offset", "bytes 0-499/1000", 500, 400, "offset-mismatch"),
				Arguments.of("start after offset", "bytes 600-699/1000", 100, 400, "offset-mismatch"),
				Arguments.of("body shorter than range", "bytes 500-999/1000", 499, 400, "length-mismatch"),
				Arguments.of("body longer than range", "bytes 500-999/1000", 501, 400, "length-mismatch"),
				Arguments.of("total changed", "bytes 500-999/1001", 500, 400, "length-mismatch"),
				Arguments.of("total over max-bytes", "bytes 500-999/20000000", 500, 400, "upload-too-large"), Arguments
					.of("chunk over max-chunk-size", "bytes 500-3000499/9000000", 3_000_000, 413, "chunk-too-large"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badChunks")
	void chunkWhenFieldsContradictThenRefusedAndNothingChanged(String problem, String contentRange, int length,
			int status, String type) {
		String id = start(randomBytes(500, 14), "bytes 0-499/1000");
		int filesBefore = this.stored.everything().size();
		Response response = this.alice.rawChunk(id, contentRange, new byte[length], null);
		assertThat(response.status()).as(problem).isEqualTo(status);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/" + type);
		if (type.equals("offset-mismatch")) {
			assertThat(response.json().get("offset").asLong()).isEqualTo(500);
		}
		assertUnchanged(id, 500, filesBefore);
	}

	@Test
	void chunkWhenBytesPastTotalWithoutRangeThenRefused() {
		String id = start(randomBytes(500, 15), "bytes 0-499/1000");
		Response response = this.alice.rawChunk(id, null, new byte[600], null);
		assertThat(response.status()).isEqualTo(400);
		assertUnchanged(id, 500, this.stored.everything().size());
	}

	@Test
	void chunkWhenRawBodyThenNameFromContentDisposition() {
		for (String[] names : new String[][] { { "r%C3%A9sum%C3%A9%20v2.pdf", "résumé v2.pdf" },
				{ "100% done.txt", "100% done.txt" }, { "..%2F..%2Fetc%2Fpasswd", "passwd" } }) {
			Response response = this.alice.rawChunk(null, "bytes 0-9/10", new byte[10], names[0]);
			assertThat(response.status()).isEqualTo(200);
			String id = response.json().get("upload_id").asString();
			assertThat(this.alice.get("/api/uploads/" + id).json().get("filename").asString()).isEqualTo(names[1]);
		}
		Response malformed = this.alice.send(this.alice.request("/api/chunked-upload")
			.header("Content-Type", "application/octet-stream")
			.header("Content-Disposition", "attachment; filename=\"unterminated")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])));
		assertThat(malformed.status()).isIn(200, 400);
	}

	@Test
	void chunkWhenAfterCompletionThen400() {
		byte[] file = randomBytes(100, 16);
		String id = start(file);
		this.alice.complete(id, md5(file));
		Response response = this.alice.rawChunk(id, "bytes 0-99/100", file, null);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/upload-complete");
	}

	@ParameterizedTest
	@ValueSource(strings = { "bytes 0-99/20000000", "bytes 100-199/1000" })
	void firstChunkWhenRefusedThenNoRowAndNoFileLeft(String contentRange) {
		int filesBefore = this.stored.everything().size();
		int uploadsBefore = uploadingCount();
		Response response = this.alice.multipartChunk(null, contentRange, new byte[100], "x.bin");
		assertThat(response.status()).isEqualTo(400);
		assertThat(this.stored.everything()).hasSize(filesBefore);
		assertThat(uploadingCount()).isEqualTo(uploadsBefore);
	}

	@Test
	void firstChunkWhenBodyShorterThanRangeThenNoRowAndNoFileLeft() {
		int filesBefore = this.stored.everything().size();
		int uploadsBefore = uploadingCount();
		Response response = this.alice.multipartChunk(null, "bytes 0-99/1000", new byte[50], "x.bin");
		assertThat(response.status()).isEqualTo(400);
		assertThat(this.stored.everything()).hasSize(filesBefore);
		assertThat(uploadingCount()).isEqualTo(uploadsBefore);
	}

	@Test
	void chunkWhenNoFileFieldThen400() {
		Response wrongField = this.alice.multipart("/api/chunked-upload", "bytes 0-9/10", Map.of(), "the_file", "x",
				new byte[10]);
		assertThat(wrongField.status()).isEqualTo(400);
		assertThat(wrongField.json().get("type").asString()).isEqualTo("/problems/missing-chunk");
		Response form = this.alice.send(this.alice.request("/api/chunked-upload")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("a=b")));
		assertThat(form.status()).isEqualTo(400);
		Response malformed = this.alice.send(this.alice.request("/api/chunked-upload")
			.header("Content-Type", "multipart/form-data; boundary=xyz")
			.POST(HttpRequest.BodyPublishers.ofString("garbage")));
		assertThat(malformed.status()).isEqualTo(400);
	}

	@Test
	void requestsWhenUploadIdUnknownOrMalformedThen404() {
		for (String id : List.of("0123456789abcdef0123456789abcdef", "../../etc", "ABCDEF0123456789ABCDEF0123456789")) {
			assertThat(this.alice.rawChunk(id, "bytes 10-19/20", new byte[10], null).status()).as(id).isEqualTo(404);
			assertThat(this.alice.complete(id, "0".repeat(32)).status()).as(id).isEqualTo(404);
		}
		assertThat(this.alice.get("/api/chunked-upload/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
	}

	@Test
	void completeWhenFieldsBadOrBytesMissingThen400() {
		String id = start(randomBytes(500, 17), "bytes 0-499/1000");
		Response incomplete = this.alice.complete(id, "0".repeat(32));
		assertThat(incomplete.status()).isEqualTo(400);
		assertThat(incomplete.json().get("type").asString()).isEqualTo("/problems/upload-incomplete");
		assertThat(this.alice.complete(id, null).json().get("type").asString()).isEqualTo("/problems/missing-md5");
		assertThat(this.alice.complete(id, "xyz").json().get("type").asString()).isEqualTo("/problems/invalid-md5");
		Response noId = this.alice.send(this.alice.request("/api/chunked-upload/complete")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("md5=" + "0".repeat(32))));
		assertThat(noId.status()).isEqualTo(400);
		Response multipart = this.alice.multipart("/api/chunked-upload/complete", null,
				Map.of("upload_id", id, "md5", "0".repeat(32)), null, null, null);
		assertThat(multipart.json().get("type").asString()).isEqualTo("/problems/upload-incomplete");
	}

	/** Found by the fuzz test: Tomcat's refusal escaped as a logged server error. */
	@ParameterizedTest
	@ValueSource(strings = { "upload_id=%ff%fe&md5=00", "=abc&upload_id=x", "upload_id=%zz", "md5=\u00e9" })
	void completeWhenFormUndecodableThen400Problem(String form) {
		Response response = this.alice.send(this.alice.request("/api/chunked-upload/complete")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofByteArray(form.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/invalid-parameters");
	}

	@Test
	void chunkWhenQueryUndecodableThen400ProblemAndNothingStored() {
		Response response = this.alice.send(this.alice.request("/api/chunked-upload?upload_id=%ff%fe")
			.header("Content-Type", "application/octet-stream")
			.header("Content-Range", "bytes 0-9/10")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/invalid-parameters");
	}

	@Test
	void listWhenStatusFilterThenOnlyThoseAndUnknownStatusRefused() {
		String open = start(randomBytes(10, 18), "bytes 0-9/20");
		Response uploading = this.alice.get("/api/uploads?status=uploading");
		assertThat(uploading.json().findValuesAsString("status")).isNotEmpty().containsOnly("uploading");
		assertThat(uploading.json().findValuesAsString("upload_id")).contains(open);
		assertThat(this.alice.get("/api/uploads?status=complete").json().findValuesAsString("upload_id"))
			.doesNotContain(open);
		Response unknown = this.alice.get("/api/uploads?status=sideways");
		assertThat(unknown.status()).isEqualTo(400);
		Response undecodable = this.alice.get("/api/uploads?status=%ff");
		assertThat(undecodable.status()).isEqualTo(400);
		assertThat(undecodable.json().get("type").asString()).isEqualTo("/problems/invalid-parameters");
		assertThat(unknown.contentType()).startsWith("application/problem+json");
	}

	@Test
	void unknownPathsAndMethodsWhenApiThenJsonProblems() {
		Response missing = this.alice.get("/api/nothing-here");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.contentType()).startsWith("application/problem+json");
		Response method = this.alice
			.send(this.alice.request("/api/chunked-upload").PUT(HttpRequest.BodyPublishers.ofString("x")));
		assertThat(method.status()).isEqualTo(405);
		assertThat(method.contentType()).startsWith("application/problem+json");
	}

	private int uploadingCount() {
		Response response = this.alice.get("/api/uploads?status=uploading");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().isArray()).isTrue();
		return response.json().size();
	}

	private void assertUnchanged(String id, long offset, int filesBefore) {
		assertThat(this.alice.get("/api/chunked-upload/" + id).json().get("offset").asLong()).isEqualTo(offset);
		assertThat(this.stored.unfinishedLength(id)).isEqualTo(offset);
		assertThat(this.stored.everything()).hasSize(filesBefore);
	}

	private String start(byte[] wholeFile) {
		return start(wholeFile, "bytes 0-" + (wholeFile.length - 1) + "/" + wholeFile.length);
	}

	private String start(byte[] chunk, String contentRange) {
		Response response = this.alice.multipartChunk(null, contentRange, chunk, "file.bin");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return response.json().get("upload_id").asString();
	}

	private static byte[] slice(byte[] bytes, int from, int to) {
		return Arrays.copyOfRange(bytes, from, to);
	}

}
