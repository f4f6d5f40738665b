package dev.chunkedupload.documents;

import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
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
 * The Documents form over real HTTP: a file uploaded with the resumable protocol first,
 * then the form submitting only its upload id, and every way that id can be wrong
 * reported as a field error with nothing created.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "chunked-upload.sweep-interval=1h")
@Timeout(120)
class DocumentsIntegrationTests {

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	HttpTestClient alice;

	HttpTestClient bob;

	@BeforeEach
	void clients() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.bob = this.alice.as("bob");
	}

	@Test
	void createWhenUploadCompleteThenDocumentWithFileMovedToItsArea() {
		byte[] file = randomBytes(3 * 100_000 + 5, 1);
		String uploadId = upload(this.alice, file, "report.pdf", 3);
		Response created = submit(this.alice, "Quarterly report", "Figures for Q3", uploadId);
		assertThat(created.status()).as(created.text()).isEqualTo(302);
		String location = created.header("Location");
		assertThat(location).matches(".*/documents/\\d+");
		String page = location.substring(location.indexOf("/documents/"));

		Response show = this.alice.get(page);
		assertThat(show.status()).isEqualTo(200);
		assertThat(show.text()).contains("Quarterly report", "Figures for Q3", "report.pdf", md5(file), page + "/file");
		Response download = this.alice.get(page + "/file");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.bytes()).isEqualTo(file);
		assertThat(download.header("Content-Disposition")).contains("report.pdf");
		assertThat(ServerTestSupport.storedFiles(dataDir))
			.anyMatch((path) -> path.toString().contains("/documents/") && path.endsWith(uploadId))
			.noneMatch((path) -> path.toString().contains("/uploads/") && path.endsWith(uploadId));
		assertThat(this.alice.get("/api/uploads/" + uploadId + "/content").bytes()).isEqualTo(file);

		assertThat(this.alice.get("/documents").text()).contains("Quarterly report");
		assertThat(this.bob.get("/documents").text()).doesNotContain("Quarterly report");
		assertThat(this.bob.get(page).status()).isEqualTo(404);
		assertThat(this.bob.get(page + "/file").status()).isEqualTo(404);
		HttpTestClient root = this.alice.as("root");
		assertThat(root.get("/documents").text()).contains("Quarterly report", "alice");
		assertThat(root.get(page + "/file").bytes()).isEqualTo(file);

		// The same file again (same identifier) is a new upload, not the attached one.
		String again = upload(this.alice, file, "report.pdf", 3);
		assertThat(again).isNotEqualTo(uploadId);
	}

	@Test
	void createWhenUploadIsAnotherUsersThenFieldErrorAndNothingCreated() {
		String bobs = upload(this.bob, randomBytes(1000, 2), "bob.bin", 1);
		assertRefused(submit(this.alice, "Not mine", "", bobs), "No such upload");
		assertThat(this.bob.get("/api/uploads/" + bobs).json().get("status").asString()).isEqualTo("complete");
		assertThat(ServerTestSupport.storedFiles(dataDir))
			.noneMatch((path) -> path.toString().contains("/documents/") && path.endsWith(bobs));
		assertThat(submit(this.bob, "Mine", "", bobs).status()).isEqualTo(302);
	}

	@Test
	void createWhenUploadIncompleteThenFieldError() {
		byte[] file = randomBytes(3000, 3);
		Response first = chunk(this.alice, file, "partial.bin", 1000, 1);
		String id = first.json().get("upload_id").asString();
		assertThat(first.json().get("status").asString()).isEqualTo("uploading");
		assertRefused(submit(this.alice, "Partial", "", id), "has not finished uploading");
	}

	@Test
	void createWhenUploadAlreadyAttachedThenFieldError() {
		String id = upload(this.alice, randomBytes(1000, 4), "once.bin", 1);
		assertThat(submit(this.alice, "First", "", id).status()).isEqualTo(302);
		assertRefused(submit(this.alice, "Second", "", id), "already belongs to another record");
		assertThat(this.jdbc.queryForObject("select count(*) from document where upload_id = ?", Integer.class, id))
			.isOne();
	}

	@Test
	void createWhenUploadIdMissingOrMalformedThenFieldError() {
		assertRefused(submit(this.alice, "No file", "", ""), "Choose a file");
		assertRefused(submit(this.alice, "No file", "", null), "Choose a file");
		assertRefused(submit(this.alice, "Path", "", "../../../etc/passwd"), "No such upload");
		assertRefused(submit(this.alice, "Unknown", "", "0".repeat(32)), "No such upload");
	}

	@Test
	void createWhenTitleMissingThenFormKeepsTheUpload() {
		String id = upload(this.alice, randomBytes(2000, 5), "kept.bin", 1);
		Response response = submit(this.alice, "", "", id);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.text()).contains("value=\"" + id + "\"", "kept.bin (2000 bytes) uploaded");
		assertThat(this.jdbc.queryForObject("select count(*) from document where upload_id = ?", Integer.class, id))
			.isZero();
		assertThat(submit(this.alice, "Now with a title", "", id).status()).isEqualTo(302);
	}

	@Test
	void createWhenSameUploadSubmittedTwiceAtOnceThenOneDocument() throws Exception {
		String id = upload(this.alice, randomBytes(5000, 6), "twice.bin", 1);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Response>> answers = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				answers.add(executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					return submit(this.alice, "Race", "", id);
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<Response> answer : answers) {
				statuses.add(answer.get(30, TimeUnit.SECONDS).status());
			}
			assertThat(statuses).containsExactlyInAnyOrder(302, 200);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.jdbc.queryForObject("select count(*) from document where upload_id = ?", Integer.class, id))
			.isOne();
	}

	@Test
	void formWhenShownThenHasWidgetAndCsrfMeta() {
		Response form = this.alice.get("/documents/new");
		assertThat(form.status()).isEqualTo(200);
		assertThat(form.text()).contains("name=\"_csrf\"", "name=\"_csrf_header\"", "data-upload-field",
				"/webjars/resumable.js/", "resumable.js\"", "/js/upload-field.js", "name=\"file\"");
		Response script = this.alice.get("/webjars/resumable.js/resumable.js");
		assertThat(script.status()).isEqualTo(200);
		assertThat(script.text()).contains("Resumable");
		assertThat(this.alice.get("/js/upload-field.js").status()).isEqualTo(200);
		assertThat(this.alice.get("/vendor/flow.js/flow.js").text()).contains("Flow");
	}

	@Test
	void pagesWhenNotSignedInThenLoginRequired() {
		HttpTestClient anonymous = new HttpTestClient(this.port, null);
		assertThat(anonymous.get("/documents").status()).isIn(302, 401);
		assertThat(anonymous.get("/documents/new").status()).isIn(302, 401);
	}

	/** The form comes back with the message, and no document has the submitted title. */
	private void assertRefused(Response response, String message) {
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertThat(response.text()).contains(message).contains("id=\"document-form\"");
		String title = response.text().replaceAll("(?s).*id=\"title\" name=\"title\" value=\"([^\"]*)\".*", "$1");
		assertThat(title).as("the title the form shows again").isNotEmpty().doesNotContain("<");
		assertThat(this.jdbc.queryForObject("select count(*) from document where title = ?", Integer.class, title))
			.isZero();
	}

	static Response submit(HttpTestClient client, String title, String description, String uploadId) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("title", title);
		fields.put("description", description);
		if (uploadId != null) {
			fields.put("file", uploadId);
		}
		String form = fields.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return client.send(client.request("/documents")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString(form)));
	}

	/** ChunkedUpload a whole file with the resumable protocol, chunks last to first. */
	static String upload(HttpTestClient client, byte[] file, String name, int chunks) {
		int chunkSize = Math.max(file.length / chunks, 1);
		Response last = null;
		for (int number = chunks; number >= 1; number--) {
			last = chunk(client, file, name, chunkSize, number);
			assertThat(last.status()).as(last.text()).isEqualTo(200);
		}
		assertThat(last.json().get("status").asString()).isEqualTo("complete");
		return last.json().get("upload_id").asString();
	}

	static Response chunk(HttpTestClient client, byte[] file, String name, int chunkSize, int number) {
		int totalChunks = Math.max(file.length / chunkSize, 1);
		int start = (number - 1) * chunkSize;
		int end = (number == totalChunks) ? file.length : start + chunkSize;
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("resumableChunkNumber", String.valueOf(number));
		fields.put("resumableChunkSize", String.valueOf(chunkSize));
		fields.put("resumableCurrentChunkSize", String.valueOf(end - start));
		fields.put("resumableTotalSize", String.valueOf(file.length));
		fields.put("resumableIdentifier", file.length + "-" + name);
		fields.put("resumableFilename", name);
		fields.put("resumableTotalChunks", String.valueOf(totalChunks));
		return client.multipart("/api/resumable", null, fields, "file", name, Arrays.copyOfRange(file, start, end));
	}

}
