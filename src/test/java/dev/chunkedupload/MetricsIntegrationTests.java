package dev.chunkedupload;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/prometheus} after real uploads over every protocol: each meter the
 * README lists, with the values those uploads must have produced, scraped as Prometheus
 * does; and only administrators may scrape.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MetricsIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@Test
	void prometheusWhenOneUploadPerProtocolThenEachMeterCountsIt() {
		byte[] file = randomBytes(3000, 1);
		// An upload left incomplete, the one active upload.
		assertThat(this.alice.rawChunk(null, "bytes 0-99/3000", slice(file, 0, 100), "open.bin").status())
			.isEqualTo(200);

		// django-chunked-upload: two chunks and a completion.
		String chunked = this.alice.multipartChunk(null, "bytes 0-1999/3000", slice(file, 0, 2000), "c.bin")
			.json()
			.get("upload_id")
			.asString();
		assertThat(
				this.alice.multipartChunk(chunked, "bytes 2000-2999/3000", slice(file, 2000, 3000), "c.bin").status())
			.isEqualTo(200);
		// refused: the offset is wrong
		assertThat(this.alice.multipartChunk(chunked, "bytes 0-999/3000", slice(file, 0, 1000), "c.bin").status())
			.isEqualTo(400);
		assertThat(this.alice.complete(chunked, md5(file)).status()).isEqualTo(200);

		// resumable.js: chunk 2, chunk 1 twice (a duplicate), which completes it.
		assertThat(resumable(file, 2).status()).isEqualTo(200);
		assertThat(resumable(file, 1).json().get("status").asString()).isEqualTo("complete");
		assertThat(resumable(file, 1).status()).isEqualTo(200);

		// tus: creation without bytes (no chunk), two PATCHes; one with a wrong offset,
		// which
		// the adapter refuses from its headers before the core sees a chunk.
		Response created = this.alice
			.send(tus("/api/tus").header("Upload-Length", "3000").POST(BodyPublishers.noBody()));
		assertThat(created.status()).isEqualTo(201);
		String location = created.header("Location").substring(this.alice.base().length());
		assertThat(patch(location, 0, slice(file, 0, 1000)).status()).isEqualTo(204);
		assertThat(patch(location, 0, slice(file, 0, 1000)).status()).isEqualTo(409);
		assertThat(patch(location, 1000, slice(file, 1000, 3000)).status()).isEqualTo(204);

		// Resumable Uploads for HTTP: the whole file in the creation request.
		assertThat(this.alice
			.send(this.alice.request("/api/rufh")
				.header("Upload-Draft-Interop-Version", "9")
				.header("Upload-Complete", "?1")
				.POST(BodyPublishers.ofByteArray(file)))
			.status()).isEqualTo(201);

		Map<String, Double> metrics = scrape(new HttpTestClient(this.port, "root"));

		assertThat(value(metrics, "chunked_upload_bytes_received_total{protocol=\"chunked\"}")).isEqualTo(3100);
		assertThat(value(metrics, "chunked_upload_bytes_received_total{protocol=\"resumable\"}")).isEqualTo(3000);
		assertThat(value(metrics, "chunked_upload_bytes_received_total{protocol=\"tus\"}")).isEqualTo(3000);
		assertThat(value(metrics, "chunked_upload_bytes_received_total{protocol=\"rufh\"}")).isEqualTo(3000);

		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"stored\",protocol=\"chunked\"}")).isEqualTo(3);
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"refused\",protocol=\"chunked\"}"))
			.isEqualTo(1);
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"stored\",protocol=\"resumable\"}"))
			.isEqualTo(2);
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"duplicate\",protocol=\"resumable\"}"))
			.isEqualTo(1);
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"stored\",protocol=\"tus\"}")).isEqualTo(2);
		metrics.keySet()
			.stream()
			.filter((k) -> k.contains("PATCH") || k.contains("/api/tus"))
			.forEach(System.out::println);
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"stored\",protocol=\"rufh\"}")).isEqualTo(1);
		// The PATCH with the wrong offset is no chunk; Spring's request meter has it
		// (label values may hold braces: the parser reads quoted values whole).
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"refused\",protocol=\"tus\"}")).isZero();
		assertThat(value(metrics,
				"http_server_requests_seconds_count{error=\"none\",exception=\"none\","
						+ "method=\"PATCH\",outcome=\"CLIENT_ERROR\",status=\"409\",uri=\"/api/tus/{uploadId}\"}"))
			.isEqualTo(1);
		assertThat(value(metrics, "chunked_upload_chunks_total{outcome=\"failed\",protocol=\"tus\"}")).isZero();

		assertThat(value(metrics, "chunked_upload_chunk_duration_seconds_count{protocol=\"tus\"}")).isEqualTo(2);
		assertThat(value(metrics, "chunked_upload_chunk_duration_seconds_bucket{protocol=\"tus\",le=\"+Inf\"}"))
			.isEqualTo(2);
		assertThat(value(metrics, "chunked_upload_chunk_duration_seconds_sum{protocol=\"tus\"}")).isPositive();
		assertThat(metrics.keySet()).anyMatch(
				(key) -> key.startsWith("chunked_upload_chunk_duration_seconds_bucket{protocol=\"chunked\",le=\"0.0"));

		for (String protocol : new String[] { "chunked", "resumable", "tus", "rufh" }) {
			assertThat(value(metrics, "chunked_upload_uploads_completed_total{protocol=\"" + protocol + "\"}"))
				.as(protocol)
				.isEqualTo(1);
		}
		assertThat(value(metrics, "chunked_upload_uploads_active")).isEqualTo(1);
		assertThat(value(metrics, "chunked_upload_chunks_in_flight")).isZero();

		// Every stored chunk and every join was synced at least once; writes come in
		// buffers.
		assertThat(value(metrics, "chunked_upload_storage_sync_seconds_count{store=\"filesystem\"}"))
			.isGreaterThanOrEqualTo(8);
		assertThat(value(metrics, "chunked_upload_storage_write_seconds_count{store=\"filesystem\"}"))
			.isGreaterThanOrEqualTo(8);
		assertThat(metrics.keySet()).anyMatch((key) -> key.startsWith("chunked_upload_storage_sync_seconds_bucket{"));
	}

	@Test
	void prometheusWhenAnonymousThen401ProblemWithBasicChallenge() {
		Response response = new HttpTestClient(this.port, null).get("/actuator/prometheus");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
		assertThat(response.text()).doesNotContain("chunked_upload");
	}

	@Test
	void prometheusWhenUserWithoutAdminRoleThen403Problem() {
		Response response = this.alice.get("/actuator/prometheus");
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.text()).doesNotContain("chunked_upload");
	}

	private Response resumable(byte[] file, int number) {
		int start = (number - 1) * 1500;
		byte[] chunk = slice(file, start, start + 1500);
		String query = "resumableChunkNumber=" + number + "&resumableChunkSize=1500&resumableCurrentChunkSize=1500"
				+ "&resumableTotalSize=3000&resumableTotalChunks=2&resumableIdentifier=3000-metrics"
				+ "&resumableFilename=r.bin";
		return this.alice.send(this.alice.request("/api/resumable?" + query)
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(chunk)));
	}

	private HttpRequest.Builder tus(String path) {
		return this.alice.request(path).header("Tus-Resumable", "1.0.0");
	}

	private Response patch(String path, long offset, byte[] bytes) {
		return this.alice.send(tus(path).header("Content-Type", "application/offset+octet-stream")
			.header("Upload-Offset", String.valueOf(offset))
			.method("PATCH", BodyPublishers.ofByteArray(bytes)));
	}

	private static byte[] slice(byte[] bytes, int from, int to) {
		return Arrays.copyOfRange(bytes, from, to);
	}

	/** Samples of the Prometheus text format, by name and labels as written. */
	static Map<String, Double> scrape(HttpTestClient admin) {
		Response response = admin.get("/actuator/prometheus");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertThat(response.contentType()).startsWith("text/plain");
		Map<String, Double> samples = new LinkedHashMap<>();
		Pattern sample = Pattern
			.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})?) (\\S+)");
		for (String line : response.text().split("\n")) {
			Matcher matcher = sample.matcher(line);
			if (!line.startsWith("#") && matcher.find()) {
				samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
			}
		}
		return samples;
	}

	static double value(Map<String, Double> samples, String key) {
		assertThat(samples).as("scraped samples").containsKey(key);
		return samples.get(key);
	}

}
