package dev.chunkedupload.protocol.tus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.model.Chunk;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.filter.FormContentFilter;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus 1.0 over real HTTP, clause by clause of the protocol (1.0.x, protocol.md): each
 * test is a request, then the status and headers the protocol asks for, then what is (or
 * is not) stored. With fsync on, as the server runs by default.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.max-bytes=10MB", "chunked-upload.max-chunk-size=1MB",
				"chunked-upload.sweep-interval=1h", "chunked-upload.fsync=true" })
@Import(TestClockConfiguration.class)
class TusIntegrationTests {

	static final String OCTETS = "application/offset+octet-stream";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	UploadService uploads;

	@Autowired
	ApplicationContext context;

	HttpTestClient alice;

	StoredUploads stored;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.stored = StoredUploads.of(this.context);
	}

	// ---- Core protocol: OPTIONS

	@Test
	void optionsWhenAskedWithoutCredentialsThen200WithVersionExtensionsMaxSizeAndAlgorithms() {
		for (String path : List.of("/api/tus", "/api/tus/0123456789abcdef0123456789abcdef")) {
			Response response = new HttpTestClient(this.port, null)
				.send(new HttpTestClient(this.port, null).request(path).method("OPTIONS", BodyPublishers.noBody()));
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("Tus-Version")).isEqualTo("1.0.0");
			assertThat(response.header("Tus-Extension"))
				.isEqualTo("creation,creation-with-upload,creation-defer-length,expiration,checksum,checksum-trailer,"
						+ "termination,concatenation,concatenation-unfinished");
			assertThat(response.header("Tus-Max-Size")).isEqualTo(String.valueOf(10L * 1024 * 1024));
			assertThat(response.header("Tus-Checksum-Algorithm")).isEqualTo("md5,sha1,sha256");
			assertThat(response.header("Tus-Resumable")).as("not on OPTIONS").isNull();
		}
	}

	// ---- Core protocol: Tus-Resumable

	static Stream<Arguments> unsupportedVersions() {
		return Stream.of(Arguments.of((String) null), Arguments.of("0.2.2"), Arguments.of("1.0"), Arguments.of("2.0.0"),
				Arguments.of(""));
	}

	@ParameterizedTest
	@MethodSource("unsupportedVersions")
	void requestsWhenTusResumableMissingOrUnsupportedThen412WithTusVersionAndNothingDone(String version) {
		String path = create(1000);
		List<HttpRequest.Builder> requests = List.of(
				this.alice.request("/api/tus").header("Upload-Length", "10").POST(BodyPublishers.noBody()),
				this.alice.request(path).method("HEAD", BodyPublishers.noBody()),
				this.alice.request(path)
					.header("Content-Type", OCTETS)
					.header("Upload-Offset", "0")
					.method("PATCH", BodyPublishers.ofByteArray(new byte[10])),
				this.alice.request(path).DELETE());
		int uploadsBefore = uploadCount();
		for (HttpRequest.Builder request : requests) {
			if (version != null) {
				request.header("Tus-Resumable", version);
			}
			Response response = this.alice.send(request);
			assertThat(response.status()).isEqualTo(412);
			assertThat(response.header("Tus-Version")).isEqualTo("1.0.0");
			assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		}
		assertThat(uploadCount()).isEqualTo(uploadsBefore);
		assertThat(head(path).header("Upload-Offset")).isEqualTo("0");
	}

	// ---- Creation

	@Test
	void postWhenUploadLengthThen201WithLocationOfAnUploadAndExpires() {
		Instant before = this.clock.instant();
		Response response = post("Upload-Length", "1000", "Upload-Metadata", "filename "
				+ base64("../report \"final\".pdf") + ",filetype " + base64("application/pdf") + ",is_confidential");
		assertThat(response.status()).isEqualTo(201);
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(response.header("Upload-Offset")).isEqualTo("0");
		String location = response.header("Location");
		assertThat(location).matches("http://127\\.0\\.0\\.1:" + this.port + "/api/tus/[0-9a-f]{32}");
		Instant expires = parseHttpDate(response.header("Upload-Expires"));
		assertThat(expires).isBetween(before.plus(Duration.ofHours(24)).minusSeconds(1),
				this.clock.instant().plus(Duration.ofHours(24)));

		String id = location.substring(location.lastIndexOf('/') + 1);
		Response view = this.alice.get("/api/uploads/" + id);
		assertThat(view.status()).isEqualTo(200);
		assertThat(view.json().get("protocol").asString()).isEqualTo("tus");
		assertThat(view.json().get("filename").asString()).isEqualTo("report final.pdf");
		assertThat(view.json().get("size").asLong()).isEqualTo(1000);
		assertThat(view.json().get("status").asString()).isEqualTo("uploading");
		assertThat(view.json().get("content_type").asString()).isEqualTo("application/pdf");
	}

	@Test
	void postWhenLengthOverTusMaxSizeThen413AndNoUpload() {
		int before = uploadCount();
		Response response = post("Upload-Length", String.valueOf(10L * 1024 * 1024 + 1));
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(uploadCount()).isEqualTo(before);
	}

	@Test
	void postWhenLengthZeroThenCompleteAtOnceWithMd5OfNothing() {
		Response response = post("Upload-Length", "0");
		assertThat(response.status()).isEqualTo(201);
		String id = idOf(response);
		assertThat(this.alice.get("/api/uploads/" + id).json().get("status").asString()).isEqualTo("complete");
		assertThat(this.alice.get("/api/uploads/" + id).json().get("md5").asString()).isEqualTo(md5(new byte[0]));
		assertThat(head(pathOf(response)).header("Upload-Offset")).isEqualTo("0");
	}

	// ---- Creation With Upload

	@Test
	void postWhenBodyIsFirstChunkThen201WithUploadOffsetAndBytesStored() {
		byte[] file = randomBytes(300_000, 1);
		Response response = this.alice.send(tus("/api/tus").header("Upload-Length", "300000")
			.header("Content-Type", OCTETS)
			.POST(BodyPublishers.ofByteArray(slice(file, 0, 100_000))));
		assertThat(response.status()).isEqualTo(201);
		assertThat(response.header("Upload-Offset")).isEqualTo("100000");
		assertThat(response.header("Upload-Expires")).isNotNull();
		String path = pathOf(response);
		assertThat(patch(path, 100_000, slice(file, 100_000, 300_000)).status()).isEqualTo(204);
		assertContent(idOf(response), file);
	}

	@Test
	void postWhenBodyIsWholeFileThenUploadCompleteWithMd5() {
		byte[] file = randomBytes(2_500_000, 2);
		Response response = this.alice.send(tus("/api/tus").header("Upload-Length", "2500000")
			.header("Content-Type", OCTETS)
			.header("Upload-Metadata", "filename " + base64("whole.mp4") + ",filetype " + base64("video/MP4"))
			.POST(BodyPublishers.ofByteArray(file)));
		assertThat(response.status()).isEqualTo(201);
		assertThat(response.header("Upload-Offset")).isEqualTo("2500000");
		assertThat(response.header("Upload-Expires")).as("a complete upload does not expire").isNull();
		assertContent(idOf(response), file);
		Response download = this.alice.get("/api/uploads/" + idOf(response) + "/content");
		assertThat(download.contentType()).isEqualTo("video/mp4");
		assertThat(download.header("Content-Disposition")).startsWith("attachment;").contains("whole.mp4");
		assertThat(download.header("X-Content-Type-Options")).isEqualTo("nosniff");
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/octet-stream", "text/plain", "multipart/form-data; boundary=x" })
	void postWhenBodyIsNotOffsetOctetStreamThen415AndNoUpload(String type) {
		int before = uploadCount();
		Response response = this.alice.send(tus("/api/tus").header("Upload-Length", "10")
			.header("Content-Type", type)
			.POST(BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(415);
		assertThat(uploadCount()).isEqualTo(before);
	}

	@Test
	void postWhenBodyLongerThanUploadLengthThen413AndNoUpload() {
		int before = uploadCount();
		Response response = this.alice.send(tus("/api/tus").header("Upload-Length", "10")
			.header("Content-Type", OCTETS)
			.POST(BodyPublishers.ofByteArray(new byte[11])));
		assertThat(response.status()).isEqualTo(413);
		assertThat(uploadCount()).isEqualTo(before);
	}

	// ---- Core protocol: HEAD

	@Test
	void headWhenUploadInProgressThenOffsetLengthMetadataExpiresAndNoStore() {
		String metadata = "filename " + base64("a b.txt") + ",filetype " + base64("text/plain") + ",empty";
		Response created = post("Upload-Length", "1000", "Upload-Metadata", metadata);
		String path = pathOf(created);
		patch(path, 0, new byte[400]);
		Response head = head(path);
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(head.header("Upload-Offset")).isEqualTo("400");
		assertThat(head.header("Upload-Length")).isEqualTo("1000");
		assertThat(head.header("Upload-Defer-Length")).isNull();
		assertThat(head.header("Upload-Metadata")).isEqualTo(metadata);
		assertThat(head.header("Upload-Expires")).isNotNull();
		assertThat(head.header("Upload-Concat")).isNull();
		assertThat(head.header("Cache-Control")).isEqualTo("no-store");
		assertThat(head.bytes()).isEmpty();
	}

	@Test
	void headWhenNoMetadataThenNoMetadataHeader() {
		assertThat(head(create(10)).header("Upload-Metadata")).isNull();
	}

	@Test
	void headWhenUnknownOrMalformedIdThen404WithoutOffset() {
		for (String id : List.of("0123456789abcdef0123456789abcdef", "nope", "ABCDEF0123456789ABCDEF0123456789")) {
			Response response = head("/api/tus/" + id);
			assertThat(response.status()).as(id).isEqualTo(404);
			assertThat(response.header("Upload-Offset")).isNull();
			assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		}
	}

	@Test
	void headWhenAllBytesStoredButCompletionNeverRanThenHeadCompletesTheUpload() {
		byte[] file = randomBytes(50_000, 21);
		String path = create(50_000);
		// What a server that died between recording the last bytes and completing leaves
		this.uploads.append("alice", idOf(path), new Chunk(0, null, null, false, true), new ByteArrayInputStream(file));
		assertThat(this.alice.get("/api/uploads/" + idOf(path)).json().get("status").asString()).isEqualTo("uploading");
		Response head = head(path);
		assertThat(head.header("Upload-Offset")).isEqualTo("50000");
		assertThat(head.header("Upload-Expires")).isNull();
		assertContent(idOf(path), file);
	}

	// ---- Core protocol: PATCH

	@Test
	void patchWhenOffsetMatchesThen204WithNewOffsetAndExpiresAndBytesStored() {
		byte[] file = randomBytes(500_000, 3);
		String path = create(500_000);
		Response first = patch(path, 0, slice(file, 0, 200_000));
		assertThat(first.status()).isEqualTo(204);
		assertThat(first.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(first.header("Upload-Offset")).isEqualTo("200000");
		assertThat(parseHttpDate(first.header("Upload-Expires"))).isAfter(this.clock.instant().plusSeconds(86_000));
		assertThat(this.stored.unfinishedLength(idOf(path))).isEqualTo(200_000);
		Response last = patch(path, 200_000, slice(file, 200_000, 500_000));
		assertThat(last.status()).isEqualTo(204);
		assertThat(last.header("Upload-Offset")).isEqualTo("500000");
		assertThat(last.header("Upload-Expires")).isNull();
		assertContent(idOf(path), file);
		assertThat(this.alice.get("/api/uploads/" + idOf(path)).json().get("md5").asString()).isEqualTo(md5(file));
	}

	@Test
	void patchWhenChunkedBodyOfUnknownLengthThenStored() {
		byte[] file = randomBytes(700_000, 4);
		String path = create(700_000);
		Response response = this.alice.send(tus(path).header("Content-Type", OCTETS)
			.header("Upload-Offset", "0")
			.method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(file))));
		assertThat(response.status()).isEqualTo(204);
		assertThat(response.header("Upload-Offset")).isEqualTo("700000");
		assertContent(idOf(path), file);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "application/octet-stream", "text/plain", "application/offset+octet-streams" })
	void patchWhenContentTypeMissingOrOtherThen415AndNothingWritten(String type) {
		String path = create(1000);
		patch(path, 0, new byte[100]);
		HttpRequest.Builder request = tus(path).header("Upload-Offset", "100")
			.method("PATCH", BodyPublishers.ofByteArray(new byte[100]));
		if (!type.isEmpty()) {
			request.header("Content-Type", type);
		}
		Response response = this.alice.send(request);
		assertThat(response.status()).isEqualTo(415);
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertUnchanged(path, 100);
	}

	@Test
	void patchWhenContentTypeHasParametersOrOtherCaseThenAccepted() {
		String path = create(20);
		Response response = this.alice.send(tus(path).header("Content-Type", "Application/Offset+Octet-Stream; x=y")
			.header("Upload-Offset", "0")
			.method("PATCH", BodyPublishers.ofByteArray(new byte[20])));
		assertThat(response.status()).isEqualTo(204);
	}

	@Test
	void patchWhenUploadOffsetMissingThen400AndNothingWritten() {
		String path = create(1000);
		Response response = this.alice
			.send(tus(path).header("Content-Type", OCTETS).method("PATCH", BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/missing-upload-offset");
		assertUnchanged(path, 0);
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 99, 101, 1000 })
	void patchWhenOffsetMismatchThen409WithCurrentOffsetAndNothingWritten(long offset) {
		String path = create(1000);
		patch(path, 0, new byte[100]);
		Response response = patch(path, offset, new byte[100]);
		assertThat(response.status()).isEqualTo(409);
		assertThat(response.header("Upload-Offset")).isEqualTo("100");
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(response.json().get("offset").asLong()).isEqualTo(100);
		assertUnchanged(path, 100);
	}

	@Test
	void patchWhenPastUploadLengthThen413AndNothingWritten() {
		String path = create(1000);
		patch(path, 0, new byte[600]);
		Response declared = patch(path, 600, new byte[401]);
		assertThat(declared.status()).isEqualTo(413);
		assertUnchanged(path, 600);
		Response streamed = this.alice.send(tus(path).header("Content-Type", OCTETS)
			.header("Upload-Offset", "600")
			.method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[401]))));
		assertThat(streamed.status()).isEqualTo(413);
		assertUnchanged(path, 600);
	}

	@Test
	void patchWhenBodyLargerThanMaxChunkSizeThenStoredInPiecesAndComplete() {
		byte[] file = randomBytes(2_600_000, 5);
		String path = create(2_600_000);
		Response response = patch(path, 0, file);
		assertThat(response.status()).isEqualTo(204);
		assertThat(response.header("Upload-Offset")).isEqualTo("2600000");
		assertContent(idOf(path), file);
	}

	@Test
	void patchWhenCompleteAndNothingSentThen204WithOffsetElse413Or409() {
		byte[] file = randomBytes(100, 6);
		String path = create(100);
		patch(path, 0, file);
		Response again = patch(path, 100, new byte[0]);
		assertThat(again.status()).isEqualTo(204);
		assertThat(again.header("Upload-Offset")).isEqualTo("100");
		assertThat(patch(path, 100, new byte[1]).status()).isEqualTo(413);
		Response wrong = patch(path, 50, new byte[50]);
		assertThat(wrong.status()).isEqualTo(409);
		assertThat(wrong.header("Upload-Offset")).isEqualTo("100");
		assertContent(idOf(path), file);
	}

	@Test
	void patchWhenClientDisconnectsMidBodyThenBytesThatArrivedAreKeptAndUploadResumes() throws Exception {
		byte[] file = randomBytes(900_000, 7);
		String path = create(900_000);
		String id = idOf(path);
		assertThat(patch(path, 0, slice(file, 0, 100_000)).status()).isEqualTo(204);
		try (RawHttp interrupted = RawHttp.request(this.port, "alice", "PATCH " + path + " HTTP/1.1",
				"Tus-Resumable: 1.0.0", "Content-Type: " + OCTETS, "Upload-Offset: 100000", "Content-Length: 800000")) {
			interrupted.send(file, 100_000, 123_457);
			SameChunkRace.awaitLease(this.jdbc, id, true);
		}
		SameChunkRace.awaitLease(this.jdbc, id, false);
		Response head = head(path);
		assertThat(head.header("Upload-Offset")).isEqualTo("223457");
		assertThat(this.stored.unfinishedLength(id)).isEqualTo(223_457);
		this.stored.assertUnfinished(id, slice(file, 0, 223_457));
		assertThat(patch(path, 223_457, slice(file, 223_457, 900_000)).status()).isEqualTo(204);
		assertContent(id, file);
	}

	@Test
	void patchWhenUploadIsAnotherUsersOrUnknownThen404AndNothingWritten() {
		String path = create(1000);
		HttpTestClient bob = this.alice.as("bob");
		Response response = bob.send(bob.request(path)
			.header("Tus-Resumable", "1.0.0")
			.header("Content-Type", OCTETS)
			.header("Upload-Offset", "0")
			.method("PATCH", BodyPublishers.ofByteArray(new byte[10])));
		assertThat(response.status()).isEqualTo(404);
		assertUnchanged(path, 0);
		assertThat(patch("/api/tus/0123456789abcdef0123456789abcdef", 0, new byte[10]).status()).isEqualTo(404);
	}

	@Test
	void patchWhenTwoAtOnceThenOneWritesAndTheOtherIs423Locked() throws Exception {
		byte[] file = randomBytes(600_000, 8);
		String path = create(600_000);
		String id = idOf(path);
		try (RawHttp first = RawHttp.request(this.port, "alice", "PATCH " + path + " HTTP/1.1", "Tus-Resumable: 1.0.0",
				"Content-Type: " + OCTETS, "Upload-Offset: 0", "Content-Length: 600000", "Connection: close")) {
			first.send(file, 0, 100_000);
			SameChunkRace.awaitLease(this.jdbc, id, true);
			Response second = patch(path, 0, slice(file, 0, 600_000));
			assertThat(second.status()).isEqualTo(423);
			first.send(file, 100_000, 500_000);
			assertThat(first.response()).startsWith("HTTP/1.1 204").contains("Upload-Offset: 600000");
		}
		assertContent(id, file);
	}

	// ---- X-HTTP-Method-Override

	@Test
	void postWhenMethodOverriddenThenActsAsPatchHeadAndDelete() {
		String path = create(100);
		Response patched = this.alice.send(tus(path).header("X-HTTP-Method-Override", "PATCH")
			.header("Content-Type", OCTETS)
			.header("Upload-Offset", "0")
			.POST(BodyPublishers.ofByteArray(new byte[60])));
		assertThat(patched.status()).isEqualTo(204);
		assertThat(patched.header("Upload-Offset")).isEqualTo("60");
		Response headed = this.alice
			.send(tus(path).header("X-HTTP-Method-Override", "HEAD").POST(BodyPublishers.noBody()));
		assertThat(headed.status()).isEqualTo(200);
		assertThat(headed.header("Upload-Offset")).isEqualTo("60");
		Response deleted = this.alice
			.send(tus(path).header("X-HTTP-Method-Override", "DELETE").POST(BodyPublishers.noBody()));
		assertThat(deleted.status()).isEqualTo(204);
		assertThat(head(path).status()).isEqualTo(404);
	}

	// ---- Creation Defer Length

	@Test
	void postWhenLengthDeferredThenHeadSaysSoUntilAPatchDeclaresItThenFixed() {
		byte[] file = randomBytes(250_000, 9);
		Response created = post("Upload-Defer-Length", "1");
		assertThat(created.status()).isEqualTo(201);
		String path = pathOf(created);
		Response head = head(path);
		assertThat(head.header("Upload-Defer-Length")).isEqualTo("1");
		assertThat(head.header("Upload-Length")).isNull();
		assertThat(patch(path, 0, slice(file, 0, 100_000)).status()).isEqualTo(204);
		assertThat(head(path).header("Upload-Defer-Length")).isEqualTo("1");

		Response declaring = patch(path, 100_000, slice(file, 100_000, 150_000), "Upload-Length", "250000");
		assertThat(declaring.status()).isEqualTo(204);
		head = head(path);
		assertThat(head.header("Upload-Length")).isEqualTo("250000");
		assertThat(head.header("Upload-Defer-Length")).isNull();
		Response changing = patch(path, 150_000, slice(file, 150_000, 250_000), "Upload-Length", "250001");
		assertThat(changing.status()).isEqualTo(400);
		assertUnchanged(path, 150_000);
		assertThat(patch(path, 150_000, slice(file, 150_000, 250_000), "Upload-Length", "250000").status())
			.isEqualTo(204);
		assertContent(idOf(path), file);
	}

	@Test
	void patchWhenDeclaredLengthBelowOffsetOverMaxOrShorterThanBodyThenRefusedAndStillDeferred() {
		String path = pathOf(post("Upload-Defer-Length", "1"));
		patch(path, 0, new byte[100]);
		assertThat(patch(path, 100, new byte[0], "Upload-Length", "99").status()).isEqualTo(400);
		assertThat(patch(path, 100, new byte[0], "Upload-Length", String.valueOf(10L * 1024 * 1024 + 1)).status())
			.isEqualTo(413);
		assertThat(patch(path, 100, new byte[200], "Upload-Length", "250").status())
			.as("a body longer than the length it declares")
			.isEqualTo(413);
		assertThat(head(path).header("Upload-Defer-Length")).isEqualTo("1");
		assertUnchanged(path, 100);
	}

	@Test
	void patchWhenDeferredUploadGrowsPastMaxBytesThen413() throws IOException {
		String path = pathOf(post("Upload-Defer-Length", "1"));
		try (RawHttp declared = RawHttp.request(this.port, "alice", "PATCH " + path + " HTTP/1.1",
				"Tus-Resumable: 1.0.0", "Content-Type: " + OCTETS, "Upload-Offset: 0",
				"Content-Length: " + (10 * 1024 * 1024 + 1))) {
			assertThat(declared.response()).as("refused before a byte is read").startsWith("HTTP/1.1 413");
		}
		assertUnchanged(path, 0);
		// Without a length the server learns only while streaming; the pieces of
		// max-chunk-size before the one that crosses the limit are stored and recorded.
		byte[] tooMuch = randomBytes(10 * 1024 * 1024 + 1, 20);
		Response streamed = this.alice.send(tus(path).header("Content-Type", OCTETS)
			.header("Upload-Offset", "0")
			.method("PATCH", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooMuch))));
		assertThat(streamed.status()).isEqualTo(413);
		assertUnchanged(path, 10 * 1024 * 1024);
		this.stored.assertUnfinished(idOf(path), slice(tooMuch, 0, 10 * 1024 * 1024));
	}

	// ---- Expiration

	@Test
	void requestsWhenUploadExpiredThen410() {
		String path = create(1000);
		patch(path, 0, new byte[10]);
		this.clock.advance(Duration.ofHours(25));
		Response head = head(path);
		assertThat(head.status()).isEqualTo(410);
		assertThat(head.header("Upload-Offset")).isNull();
		assertThat(patch(path, 10, new byte[10]).status()).isEqualTo(410);
		assertThat(this.alice.get("/api/uploads/" + idOf(path)).json().get("status").asString()).isEqualTo("expired");
	}

	// ---- Checksum

	@ParameterizedTest
	@ValueSource(strings = { "md5", "sha1", "sha256" })
	void patchWhenChecksumMatchesThen204AndStored(String algorithm) {
		byte[] chunk = randomBytes(300_000, 10);
		String path = create(300_000);
		Response response = patch(path, 0, chunk, "Upload-Checksum", algorithm + " " + digest(algorithm, chunk));
		assertThat(response.status()).isEqualTo(204);
		assertContent(idOf(path), chunk);
	}

	@ParameterizedTest
	@ValueSource(strings = { "md5", "sha1", "sha256" })
	void patchWhenChecksumMismatchThen460AndChunkDiscarded(String algorithm) throws IOException {
		byte[] file = randomBytes(400_000, 11);
		String path = create(400_000);
		patch(path, 0, slice(file, 0, 100_000));
		byte[] wrong = slice(file, 100_000, 400_000);
		String checksum = algorithm + " " + digest(algorithm, slice(file, 0, 300_000));
		Response response = patch(path, 100_000, wrong, "Upload-Checksum", checksum);
		assertThat(response.status()).isEqualTo(460);
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/checksum-mismatch");
		assertUnchanged(path, 100_000);
		this.stored.assertUnfinished(idOf(path), slice(file, 0, 100_000));
		assertThat(patch(path, 100_000, wrong, "Upload-Checksum", algorithm + " " + digest(algorithm, wrong)).status())
			.isEqualTo(204);
		assertContent(idOf(path), file);
	}

	/**
	 * As tus says for any digest that is not the body's: the body is read, then refused.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "sha1 AAAA", "md5 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "sha256 XrY7u+Ae7tCTyyK7j1rNww==" })
	void patchWhenChecksumBase64ButWrongLengthThen460AndNothingWritten(String checksum) {
		String path = create(1000);
		patch(path, 0, new byte[100]);
		Response response = patch(path, 100, new byte[100], "Upload-Checksum", checksum);
		assertThat(response.status()).isEqualTo(460);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/checksum-mismatch");
		assertUnchanged(path, 100);
	}

	@Test
	void patchWhenChecksumAlgorithmUnknownThen400AndNothingWritten() {
		String path = create(1000);
		Response response = patch(path, 0, new byte[100], "Upload-Checksum", "crc32 AAAAAA==");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("type").asString()).isEqualTo("/problems/unsupported-checksum-algorithm");
		assertUnchanged(path, 0);
	}

	@Test
	void patchWhenChecksumAndBodyOverMaxChunkSizeThen413AndNothingWritten() {
		byte[] chunk = randomBytes(1024 * 1024 + 1, 12);
		String path = create(2_000_000);
		Response response = patch(path, 0, chunk, "Upload-Checksum", "sha1 " + digest("sha1", chunk));
		assertThat(response.status()).isEqualTo(413);
		assertUnchanged(path, 0);
	}

	@Test
	void patchWhenClientDisconnectsMidBodyWithChecksumThenNothingKept() throws Exception {
		byte[] file = randomBytes(500_000, 13);
		String path = create(500_000);
		String id = idOf(path);
		try (RawHttp interrupted = RawHttp.request(this.port, "alice", "PATCH " + path + " HTTP/1.1",
				"Tus-Resumable: 1.0.0", "Content-Type: " + OCTETS, "Upload-Offset: 0", "Content-Length: 500000",
				"Upload-Checksum: sha1 " + digest("sha1", file))) {
			interrupted.send(file, 0, 300_000);
			SameChunkRace.awaitLease(this.jdbc, id, true);
		}
		SameChunkRace.awaitLease(this.jdbc, id, false);
		assertUnchanged(path, 0);
	}

	// ---- Checksum trailer

	@ParameterizedTest
	@ValueSource(strings = { "md5", "sha1", "sha256" })
	void patchWhenChecksumTrailerMatchesThen204(String algorithm) throws IOException {
		byte[] chunk = randomBytes(200_000, 14);
		String path = create(200_000);
		String answer = chunkedPatchWithTrailer(path, 0, chunk,
				"Upload-Checksum: " + algorithm + " " + digest(algorithm, chunk));
		assertThat(answer).startsWith("HTTP/1.1 204").contains("Upload-Offset: 200000");
		assertContent(idOf(path), chunk);
	}

	@Test
	void patchWhenChecksumTrailerMismatchThen460AndNothingWritten() throws IOException {
		byte[] chunk = randomBytes(200_000, 15);
		String path = create(200_000);
		String answer = chunkedPatchWithTrailer(path, 0, chunk, "Upload-Checksum: sha1 " + digest("sha1", new byte[1]));
		assertThat(answer).startsWith("HTTP/1.1 460");
		assertUnchanged(path, 0);
	}

	@Test
	void patchWhenChecksumTrailerAnnouncedButMissingOrUnknownThen400AndNothingWritten() throws IOException {
		String path = create(200_000);
		assertThat(chunkedPatchWithTrailer(path, 0, new byte[1000], null)).startsWith("HTTP/1.1 400")
			.contains("missing-checksum");
		assertThat(chunkedPatchWithTrailer(path, 0, new byte[1000], "Upload-Checksum: crc32 AAAAAA=="))
			.startsWith("HTTP/1.1 400")
			.contains("unsupported-checksum-algorithm");
		assertUnchanged(path, 0);
	}

	@Test
	void patchWhenChecksumTrailerAnnouncedWithContentLengthThen400() {
		String path = create(100);
		Response response = patch(path, 0, new byte[100], "Trailer", "Upload-Checksum");
		assertThat(response.status()).isEqualTo(400);
		assertUnchanged(path, 0);
	}

	// ---- Termination

	@Test
	void deleteWhenUploadThen204ThenEveryRequest404AndBytesGone() {
		String path = create(1000);
		patch(path, 0, new byte[100]);
		assertThat(this.stored.of(idOf(path))).isNotEmpty();
		Response deleted = this.alice.send(tus(path).DELETE());
		assertThat(deleted.status()).isEqualTo(204);
		assertThat(deleted.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(this.stored.of(idOf(path))).isEmpty();
		assertThat(head(path).status()).isEqualTo(404);
		assertThat(patch(path, 100, new byte[10]).status()).isEqualTo(404);
		assertThat(this.alice.send(tus(path).DELETE()).status()).isEqualTo(404);
	}

	@Test
	void deleteWhenCompleteThenFileGone() {
		String path = create(10);
		patch(path, 0, new byte[10]);
		assertThat(this.alice.send(tus(path).DELETE()).status()).isEqualTo(204);
		assertThat(this.alice.get("/api/uploads/" + idOf(path) + "/content").status()).isEqualTo(404);
		assertThat(this.stored.of(idOf(path))).isEmpty();
	}

	// ---- Concatenation

	@Test
	void finalWhenPartialUploadsCompleteThenItsBytesAndMd5AreTheirsInOrderAndPartsAreGone() {
		byte[] file = randomBytes(2_300_000, 16);
		int[] bounds = { 0, 700_000, 1_500_000, 2_300_000 };
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Response created = post("Upload-Concat", "partial", "Upload-Length",
					String.valueOf(bounds[i + 1] - bounds[i]));
			assertThat(created.status()).isEqualTo(201);
			parts.add(pathOf(created));
		}
		for (int i = 2; i >= 0; i--) {
			assertThat(patch(parts.get(i), 0, slice(file, bounds[i], bounds[i + 1])).status()).isEqualTo(204);
			Response head = head(parts.get(i));
			assertThat(head.header("Upload-Concat")).isEqualTo("partial");
			assertThat(head.header("Upload-Offset")).isEqualTo(head.header("Upload-Length"));
		}
		String concat = "final;" + this.alice.base() + parts.get(0) + " " + parts.get(1) + " " + this.alice.base()
				+ parts.get(2);
		Response created = post("Upload-Concat", concat, "Upload-Metadata", "filename " + base64("joined.bin"));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Location")).matches(".*/api/tus/[0-9a-f]{32}");
		assertThat(created.header("Upload-Offset")).isEqualTo("2300000");
		String id = idOf(created);
		assertContent(id, file);
		Response view = this.alice.get("/api/uploads/" + id);
		assertThat(view.json().get("md5").asString()).isEqualTo(md5(file));
		assertThat(view.json().get("filename").asString()).isEqualTo("joined.bin");

		Response head = head(pathOf(created));
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.header("Upload-Offset")).isEqualTo("2300000");
		assertThat(head.header("Upload-Length")).isEqualTo("2300000");
		assertThat(head.header("Upload-Concat")).isEqualTo("final;" + this.alice.base() + parts.get(0) + " "
				+ this.alice.base() + parts.get(1) + " " + this.alice.base() + parts.get(2));
		for (String part : parts) {
			assertThat(head(part).status()).as("a joined partial upload is gone").isEqualTo(404);
			assertThat(this.stored.of(idOf(part))).isEmpty();
		}
	}

	@Test
	void finalWhenCreatedBeforePartsFinishThenAssembledWhenTheLastCompletes() {
		byte[] file = randomBytes(1_200_000, 17);
		String first = pathOf(post("Upload-Concat", "partial", "Upload-Length", "500000"));
		String second = pathOf(post("Upload-Concat", "partial", "Upload-Defer-Length", "1"));
		patch(first, 0, slice(file, 0, 200_000));
		Response created = post("Upload-Concat", "final;" + first + " " + second);
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Upload-Offset")).isNull();
		assertThat(created.header("Upload-Expires")).isNotNull();
		String finalPath = pathOf(created);
		Response pending = head(finalPath);
		assertThat(pending.status()).isEqualTo(200);
		assertThat(pending.header("Upload-Offset")).as("no offset before concatenation").isNull();
		assertThat(pending.header("Upload-Length")).as("a part's length is deferred").isNull();
		assertThat(pending.header("Upload-Concat")).startsWith("final;");

		patch(second, 0, slice(file, 500_000, 1_200_000), "Upload-Length", "700000");
		assertThat(head(finalPath).header("Upload-Length")).isEqualTo("1200000");
		assertThat(head(finalPath).header("Upload-Offset")).isNull();
		assertThat(patch(first, 200_000, slice(file, 200_000, 500_000)).status()).isEqualTo(204);

		Response done = head(finalPath);
		assertThat(done.header("Upload-Offset")).isEqualTo("1200000");
		assertThat(done.header("Upload-Length")).isEqualTo("1200000");
		assertContent(idOf(finalPath), file);
		assertThat(this.alice.get("/api/uploads/" + idOf(finalPath)).json().get("md5").asString()).isEqualTo(md5(file));
	}

	@Test
	void finalWhenSamePartialNamedTwiceThenItsBytesTwice() {
		byte[] part = randomBytes(100_000, 22);
		String first = pathOf(post("Upload-Concat", "partial", "Upload-Length", "100000"));
		String second = pathOf(post("Upload-Concat", "partial", "Upload-Length", "100000"));
		patch(first, 0, part);
		patch(second, 0, part);
		Response created = post("Upload-Concat", "final;" + first + " " + second + " " + first);
		assertThat(created.header("Upload-Offset")).isEqualTo("300000");
		byte[] expected = new byte[300_000];
		for (int i = 0; i < 3; i++) {
			System.arraycopy(part, 0, expected, i * 100_000, 100_000);
		}
		assertContent(idOf(created), expected);
	}

	@Test
	void finalWhenItsLastPartsCompleteAtTheSameTimeThenAssembledOnceAndRight() throws Exception {
		for (int round = 0; round < 5; round++) {
			byte[] file = randomBytes(600_000, 30 + round);
			String first = pathOf(post("Upload-Concat", "partial", "Upload-Length", "300000"));
			String second = pathOf(post("Upload-Concat", "partial", "Upload-Length", "300000"));
			String finalPath = pathOf(post("Upload-Concat", "final;" + first + " " + second));
			ExecutorService executor = Executors.newFixedThreadPool(2);
			try {
				Future<Response> one = executor.submit(() -> patch(first, 0, slice(file, 0, 300_000)));
				Future<Response> two = executor.submit(() -> patch(second, 0, slice(file, 300_000, 600_000)));
				assertThat(one.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);
				assertThat(two.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);
			}
			finally {
				executor.shutdownNow();
			}
			Response head = head(finalPath);
			assertThat(head.header("Upload-Offset")).as("round " + round).isEqualTo("600000");
			assertContent(idOf(finalPath), file);
		}
	}

	@Test
	void finalWhenAPartIsBeingWrittenThen423AndNoFinalLeftBehindThenRetryWorks() {
		byte[] part = randomBytes(1000, 23);
		String partPath = pathOf(post("Upload-Concat", "partial", "Upload-Length", "1000"));
		patch(partPath, 0, part);
		// Another writer holds the part's lease (the lease is a pair of columns of its
		// row)
		this.jdbc.update("update upload set lease_owner = 'someone', lease_until = ? where upload_id = ?",
				Timestamp.from(this.clock.instant().plus(Duration.ofMinutes(1))), idOf(partPath));
		int before = uploadCount();
		Response busy = post("Upload-Concat", "final;" + partPath);
		assertThat(busy.status()).isEqualTo(423);
		assertThat(uploadCount()).isEqualTo(before);
		this.jdbc.update("update upload set lease_owner = null, lease_until = null where upload_id = ?",
				idOf(partPath));
		Response created = post("Upload-Concat", "final;" + partPath);
		assertThat(created.status()).isEqualTo(201);
		assertContent(idOf(created), part);
		assertThat(head(partPath).status()).as("consumed").isEqualTo(404);
	}

	@Test
	void patchWhenFinalUploadThen403AndNothingChanged() {
		String part = pathOf(post("Upload-Concat", "partial", "Upload-Length", "10"));
		String finalPath = pathOf(post("Upload-Concat", "final;" + part));
		Response response = patch(finalPath, 0, new byte[10]);
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(head(finalPath).header("Upload-Offset")).isNull();
		assertThat(head(part).header("Upload-Offset")).isEqualTo("0");
	}

	@Test
	void finalWhenPartIsUnknownAnotherUsersOrNotPartialThen400AndNoUpload() {
		String ordinary = create(10);
		HttpTestClient bob = this.alice.as("bob");
		Response bobs = bob.send(bob.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Concat", "partial")
			.header("Upload-Length", "10")
			.POST(BodyPublishers.noBody()));
		String bobsPart = pathOf(bobs);
		int before = uploadCount();
		for (String concat : List.of("final;" + ordinary, "final;" + bobsPart,
				"final;/api/tus/0123456789abcdef0123456789abcdef")) {
			Response response = post("Upload-Concat", concat);
			assertThat(response.status()).as(concat).isEqualTo(400);
			assertThat(response.json().get("type").asString()).isEqualTo("/problems/invalid-concat");
		}
		assertThat(uploadCount()).isEqualTo(before);
	}

	@Test
	void finalWhenCreatedWithLengthOrBodyThen400() {
		String part = pathOf(post("Upload-Concat", "partial", "Upload-Length", "10"));
		assertThat(post("Upload-Concat", "final;" + part, "Upload-Length", "10").status()).isEqualTo(400);
		Response withBody = this.alice.send(tus("/api/tus").header("Upload-Concat", "final;" + part)
			.header("Content-Type", OCTETS)
			.POST(BodyPublishers.ofByteArray(new byte[10])));
		assertThat(withBody.status()).isEqualTo(400);
	}

	// ---- Security

	@Test
	void requestsWhenUnauthenticatedThen401WithTusResumable() {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		Response response = anonymous.send(anonymous.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "10")
			.POST(BodyPublishers.noBody()));
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(response.contentType()).startsWith("application/problem+json");
	}

	@Test
	void requestsWhenAnotherUsersUploadThen404EverywhereAndNothingChanged() {
		String path = create(100);
		patch(path, 0, new byte[50]);
		HttpTestClient bob = this.alice.as("bob");
		assertThat(bob.send(bob.request(path).header("Tus-Resumable", "1.0.0").method("HEAD", BodyPublishers.noBody()))
			.status()).isEqualTo(404);
		assertThat(bob.send(bob.request(path).header("Tus-Resumable", "1.0.0").DELETE()).status()).isEqualTo(404);
		HttpTestClient root = this.alice.as("root");
		assertThat(root
			.send(root.request(path)
				.header("Tus-Resumable", "1.0.0")
				.header("Content-Type", OCTETS)
				.header("Upload-Offset", "50")
				.method("PATCH", BodyPublishers.ofByteArray(new byte[50])))
			.status()).as("administrators read everyone's uploads, but write only their own").isEqualTo(404);
		assertUnchanged(path, 50);
	}

	@Test
	void preflightWhenCorsNotConfiguredThenNoOriginAllowed() {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		Response response = anonymous.send(anonymous.request("/api/tus")
			.header("Origin", "https://elsewhere.example")
			.header("Access-Control-Request-Method", "POST")
			.method("OPTIONS", BodyPublishers.noBody()));
		assertThat(response.header("Access-Control-Allow-Origin")).isNull();
		assertThat(response.header("Access-Control-Allow-Headers")).isNull();
	}

	// ---- Malformed headers: always a clear 4xx, never a 500, and nothing changed

	static Stream<Arguments> malformedPatchHeaders() {
		return Stream.of(Arguments.of("Upload-Offset", "-1"), Arguments.of("Upload-Offset", "abc"),
				Arguments.of("Upload-Offset", "1.5"), Arguments.of("Upload-Offset", ""),
				Arguments.of("Upload-Offset", "+100"), Arguments.of("Upload-Offset", "0x64"),
				Arguments.of("Upload-Offset", "99999999999999999999"), Arguments.of("Upload-Offset", "100, 100"),
				Arguments.of("Upload-Length", "-5"), Arguments.of("Upload-Length", "ten"),
				Arguments.of("Upload-Checksum", "sha1"), Arguments.of("Upload-Checksum", "sha1 !!!!"),
				Arguments.of("Upload-Checksum", "SHA1 Kq5sNclPz7QV2+lfQIuc6R7oRu0="),
				Arguments.of("X-HTTP-Method-Override", "P@TCH"), Arguments.of("X-HTTP-Method-Override", ""));
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("malformedPatchHeaders")
	void patchWhenHeaderMalformedThen400AndNothingWritten(String name, String value) {
		String path = create(1000);
		patch(path, 0, new byte[100]);
		HttpRequest.Builder request = tus(path).header("Content-Type", OCTETS)
			.method("PATCH", BodyPublishers.ofByteArray(new byte[100]));
		if (!name.equals("Upload-Offset")) {
			request.header("Upload-Offset", "100");
		}
		for (String part : name.equals("Upload-Offset") && value.contains(", ") ? value.split(", ")
				: new String[] { value }) {
			request.header(name, part);
		}
		Response response = this.alice.send(request);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertUnchanged(path, 100);
	}

	static Stream<Arguments> malformedPostHeaders() {
		return Stream.of(Arguments.of("Upload-Length", "-1"), Arguments.of("Upload-Length", "1e6"),
				Arguments.of("Upload-Length", ""), Arguments.of("Upload-Length", "99999999999999999999"),
				Arguments.of("Upload-Defer-Length", "0"), Arguments.of("Upload-Defer-Length", "2"),
				Arguments.of("Upload-Defer-Length", "true"), Arguments.of("Upload-Metadata", ""),
				Arguments.of("Upload-Metadata", "filename not-base64!"),
				Arguments.of("Upload-Metadata", "a YQ==,a YQ=="), Arguments.of("Upload-Metadata", "filename /w=="),
				Arguments.of("Upload-Metadata", ",,"), Arguments.of("Upload-Concat", "partially"),
				Arguments.of("Upload-Concat", "final;"), Arguments.of("Upload-Concat", "final;/etc/passwd"),
				Arguments.of("Upload-Concat", "final;http://[::1"));
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("malformedPostHeaders")
	void postWhenHeaderMalformedThen400AndNoUpload(String name, String value) {
		int before = uploadCount();
		HttpRequest.Builder request = tus("/api/tus").header(name, value).POST(BodyPublishers.noBody());
		if (!name.startsWith("Upload-Length") && !name.equals("Upload-Defer-Length")) {
			request.header("Upload-Length", "10");
		}
		Response response = this.alice.send(request);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(uploadCount()).isEqualTo(before);
	}

	@Test
	void postWhenBothOrNeitherLengthHeaderThen400() {
		assertThat(post().status()).isEqualTo(400);
		assertThat(post("Upload-Length", "10", "Upload-Defer-Length", "1").status()).isEqualTo(400);
	}

	@Test
	void otherMethodsWhenTusPathsThen405ProblemWithTusResumable() {
		Response get = this.alice.send(tus(create(10)).GET());
		assertThat(get.status()).isEqualTo(405);
		assertThat(get.contentType()).startsWith("application/problem+json");
		assertThat(get.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(this.alice.send(tus("/api/tus").PUT(BodyPublishers.noBody())).status()).isEqualTo(405);
	}

	@Test
	void formContentFilterWhenContextStartedThenAbsentSoNoPatchBodyIsBufferedBeforeSecurity() {
		assertThat(this.context.getBeanNamesForType(FormContentFilter.class)).isEmpty();
	}

	@Test
	void browserBundleWhenAskedThenServedByTheApplication() {
		Response bundle = this.alice.get("/vendor/tus-js-client/tus.min.js");
		assertThat(bundle.status()).isEqualTo(200);
		assertThat(bundle.contentType()).contains("javascript");
		assertThat(bundle.text()).startsWith("!function").contains("Tus-Resumable");
		assertThat(this.alice.get("/vendor/tus-js-client/LICENSE").text()).contains("MIT License");
	}

	// ---- helpers

	private HttpRequest.Builder tus(String path) {
		return this.alice.request(path).header("Tus-Resumable", "1.0.0");
	}

	Response post(String... headers) {
		HttpRequest.Builder request = tus("/api/tus").POST(BodyPublishers.noBody());
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return this.alice.send(request);
	}

	private String create(long length) {
		Response response = post("Upload-Length", String.valueOf(length));
		assertThat(response.status()).as(response.text()).isEqualTo(201);
		return pathOf(response);
	}

	Response patch(String path, long offset, byte[] bytes, String... headers) {
		HttpRequest.Builder request = tus(path).header("Content-Type", OCTETS)
			.header("Upload-Offset", String.valueOf(offset))
			.method("PATCH", BodyPublishers.ofByteArray(bytes));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return this.alice.send(request);
	}

	Response head(String path) {
		return this.alice.send(tus(path).method("HEAD", BodyPublishers.noBody()));
	}

	/** A PATCH with a chunked body and, after it, the given trailer line (or none). */
	private String chunkedPatchWithTrailer(String path, long offset, byte[] bytes, String trailer) throws IOException {
		try (RawHttp http = RawHttp.request(this.port, "alice", "PATCH " + path + " HTTP/1.1", "Tus-Resumable: 1.0.0",
				"Content-Type: " + OCTETS, "Upload-Offset: " + offset, "Transfer-Encoding: chunked",
				"Trailer: Upload-Checksum", "Connection: close")) {
			for (int start = 0; start < bytes.length; start += 65_536) {
				int length = Math.min(65_536, bytes.length - start);
				http.send(Integer.toHexString(length) + "\r\n").send(bytes, start, length).send("\r\n");
			}
			http.send("0\r\n" + ((trailer != null) ? trailer + "\r\n" : "") + "\r\n");
			return http.response();
		}
	}

	private void assertUnchanged(String path, long offset) {
		Response head = head(path);
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.header("Upload-Offset")).isEqualTo(String.valueOf(offset));
		assertThat(this.stored.unfinishedLength(idOf(path))).isEqualTo(offset);
	}

	void assertContent(String id, byte[] file) {
		Response content = this.alice.get("/api/uploads/" + id + "/content");
		assertThat(content.status()).as(content.text()).isEqualTo(200);
		assertThat(content.bytes()).isEqualTo(file);
		assertThat(this.alice.get("/api/uploads/" + id).json().get("md5").asString()).isEqualTo(md5(file));
	}

	private int uploadCount() {
		return this.jdbc.queryForObject("select count(*) from upload where status <> 'ABORTED'", Integer.class);
	}

	static String pathOf(Response created) {
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		return URI.create(created.header("Location")).getPath();
	}

	static String idOf(Response created) {
		return idOf(pathOf(created));
	}

	private static String idOf(String path) {
		return path.substring(path.lastIndexOf('/') + 1);
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String digest(String algorithm, byte[] bytes) {
		return Base64.getEncoder().encodeToString(UploadChecksum.newDigest(algorithm).digest(bytes));
	}

	private static Instant parseHttpDate(String value) {
		assertThat(value).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
		return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
	}

	static byte[] slice(byte[] bytes, int from, int to) {
		return Arrays.copyOfRange(bytes, from, to);
	}

}
