package dev.chunkedupload.upload.quota;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

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

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quotas over real HTTP in every protocol: a creation past a quota, or the chunk that
 * would pass the byte quota of an upload without a length, is refused with
 * {@code quota-exceeded} in a status the protocol's clients do not retry, and nothing of
 * it is stored. Each test has a user of its own, so their usage does not mix.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		"chunked-upload.quota.max-bytes-per-user=100000", "chunked-upload.quota.max-incomplete-uploads-per-user=2" })
class QuotaIntegrationTests {

	private static final String PROBLEM = "/problems/quota-exceeded";

	private static final List<String> USERS = List.of("chunked", "nolength", "incomplete", "resumable", "flow", "tus",
			"rufh", "generous");

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
		for (String user : USERS) {
			registry.add("chunked-upload.users." + user + ".password", () -> "{noop}" + HttpTestClient.PASSWORD);
		}
		registry.add("chunked-upload.users.generous.quota.max-bytes-per-user", () -> "1MB");
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void chunkedWhenDeclaredTotalPassesQuotaThen403AndNoUploadButOverrideAllows() {
		HttpTestClient client = client("chunked");
		assertThat(client.rawChunk(null, "bytes 0-9999/60000", new byte[10_000], "a.bin").status()).isEqualTo(200);
		int files = files();

		Response refused = client.rawChunk(null, "bytes 0-9999/50000", new byte[10_000], "b.bin");

		assertQuotaExceeded(refused, 403, "max-bytes-per-user", 100_000);
		assertThat(uploadsOf("chunked")).isEqualTo(1);
		assertThat(files()).isEqualTo(files);
		Response generous = client("generous").rawChunk(null, "bytes 0-9999/500000", new byte[10_000], "big.bin");
		assertThat(generous.status()).as(generous.toString()).isEqualTo(200);
	}

	@Test
	void chunkedWhenWholeFileWithoutRangePassesQuotaThen403AndNothingStored() {
		HttpTestClient client = client("nolength");
		int files = files();

		Response refused = client.rawChunk(null, null, randomBytes(150_000, 3), "whole.bin");

		assertQuotaExceeded(refused, 403, "max-bytes-per-user", 100_000);
		assertThat(uploadsOf("nolength")).isZero();
		assertThat(files()).isEqualTo(files);
		Response fits = client.rawChunk(null, null, randomBytes(90_000, 4), "fits.bin");
		assertThat(fits.status()).as(fits.toString()).isEqualTo(200);
	}

	@Test
	void chunkedWhenTooManyIncompleteUploadsThen403UntilOneIsDeleted() {
		HttpTestClient client = client("incomplete");
		String first = client.rawChunk(null, "bytes 0-9/20", new byte[10], "1.bin").json().get("upload_id").asString();
		assertThat(client.rawChunk(null, "bytes 0-9/20", new byte[10], "2.bin").status()).isEqualTo(200);

		Response refused = client.rawChunk(null, "bytes 0-9/20", new byte[10], "3.bin");

		assertQuotaExceeded(refused, 403, "max-incomplete-uploads-per-user", 2);
		assertThat(uploadsOf("incomplete")).isEqualTo(2);
		assertThat(client.delete("/api/chunked-upload/" + first).status()).isEqualTo(204);
		assertThat(client.rawChunk(null, "bytes 0-9/20", new byte[10], "3.bin").status()).isEqualTo(200);
	}

	@Test
	void resumableWhenTotalPassesQuotaThen403ForResumableJsAnd413ForFlowJs() {
		int files = files();
		Response resumable = numbered(client("resumable"), "resumable");
		assertQuotaExceeded(resumable, 403, "max-bytes-per-user", 100_000);
		Response flow = numbered(client("flow"), "flow");
		assertQuotaExceeded(flow, 413, "max-bytes-per-user", 100_000);
		assertThat(uploadsOf("resumable") + uploadsOf("flow")).isZero();
		assertThat(files()).isEqualTo(files);
	}

	@Test
	void tusWhenLengthPassesQuotaThen403AndDeferredLengthStopsAtTheChunkThatWouldPassIt() {
		HttpTestClient client = client("tus");
		Response refused = client.send(client.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "100001")
			.POST(BodyPublishers.noBody()));
		assertQuotaExceeded(refused, 403, "max-bytes-per-user", 100_000);
		assertThat(refused.header("Tus-Resumable")).isEqualTo("1.0.0");
		assertThat(uploadsOf("tus")).isZero();

		Response created = client.send(client.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Defer-Length", "1")
			.POST(BodyPublishers.noBody()));
		assertThat(created.status()).isEqualTo(201);
		String path = created.header("Location").substring(client.base().length());
		assertThat(patch(client, path, 0, null, randomBytes(60_000, 5)).status()).isEqualTo(204);

		Response passing = patch(client, path, 60_000, null, randomBytes(60_000, 6));
		assertQuotaExceeded(passing, 403, "max-bytes-per-user", 100_000);
		Response declaring = patch(client, path, 60_000, "120000", randomBytes(10, 7));
		assertQuotaExceeded(declaring, 403, "max-bytes-per-user", 100_000);

		Response head = client
			.send(client.request(path).header("Tus-Resumable", "1.0.0").method("HEAD", BodyPublishers.noBody()));
		assertThat(head.header("Upload-Offset")).isEqualTo("60000");
		assertThat(head.header("Upload-Defer-Length")).isEqualTo("1");
		assertThat(storedSize(path.substring(path.lastIndexOf('/') + 1))).isEqualTo(60_000);
		assertThat(patch(client, path, 60_000, "100000", randomBytes(40_000, 8)).status()).isEqualTo(204);
	}

	@Test
	void rufhWhenLengthPassesQuotaThen403AndAnAppendThatWouldPassItStoresNothing() {
		HttpTestClient client = client("rufh");
		Response refused = client.send(client.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", "9")
			.header("Upload-Complete", "?0")
			.header("Upload-Length", "200000")
			.POST(BodyPublishers.noBody()));
		assertQuotaExceeded(refused, 403, "max-bytes-per-user", 100_000);
		assertThat(uploadsOf("rufh")).isZero();

		Response created = client.send(client.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", "9")
			.header("Upload-Complete", "?0")
			.POST(BodyPublishers.ofByteArray(randomBytes(60_000, 9))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String path = created.header("Location").substring(client.base().length());
		Response append = client.send(client.request(path)
			.header("Upload-Draft-Interop-Version", "9")
			.header("Content-Type", "application/partial-upload")
			.header("Upload-Offset", "60000")
			.header("Upload-Complete", "?0")
			.method("PATCH", BodyPublishers.ofByteArray(randomBytes(60_000, 10))));
		assertQuotaExceeded(append, 403, "max-bytes-per-user", 100_000);
		Response head = client.send(client.request(path)
			.header("Upload-Draft-Interop-Version", "9")
			.method("HEAD", BodyPublishers.noBody()));
		assertThat(head.header("Upload-Offset")).isEqualTo("60000");
		assertThat(storedSize(path.substring(path.lastIndexOf('/') + 1))).isEqualTo(60_000);
	}

	@Test
	void usageWhenAdministratorAsksThenEachUsersBytesAndUploadsWithQuotas() {
		HttpTestClient client = client("generous");
		client.rawChunk(null, "bytes 0-9/30000", new byte[10], "usage.bin");

		Response usage = new HttpTestClient(this.port, "root").get("/api/admin/usage");

		assertThat(usage.status()).isEqualTo(200);
		JsonNode generous = null;
		for (JsonNode user : usage.json()) {
			if (user.get("user").asString().equals("generous")) {
				generous = user;
			}
		}
		assertThat(generous).isNotNull();
		assertThat(generous.get("bytes_in_flight").asLong()).isGreaterThanOrEqualTo(30_000);
		assertThat(generous.get("incomplete_uploads").asLong()).isGreaterThanOrEqualTo(1);
		assertThat(generous.get("max_bytes").asLong()).isEqualTo(1024 * 1024);
		assertThat(generous.get("max_incomplete_uploads").asInt()).isEqualTo(2);
		assertThat(client.get("/api/admin/usage").status()).isEqualTo(403);
	}

	private HttpTestClient client(String user) {
		return new HttpTestClient(this.port, user);
	}

	private static Response numbered(HttpTestClient client, String prefix) {
		return client.send(client
			.request("/api/resumable?" + prefix + "ChunkNumber=1&" + prefix + "ChunkSize=1000&" + prefix
					+ "CurrentChunkSize=1000&" + prefix + "TotalSize=200000&" + prefix + "TotalChunks=200&" + prefix
					+ "Identifier=q&" + prefix + "Filename=q.bin")
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(new byte[1000])));
	}

	private static Response patch(HttpTestClient client, String path, long offset, String length, byte[] bytes) {
		var request = client.request(path)
			.header("Tus-Resumable", "1.0.0")
			.header("Content-Type", "application/offset+octet-stream")
			.header("Upload-Offset", String.valueOf(offset));
		if (length != null) {
			request.header("Upload-Length", length);
		}
		return client.send(request.method("PATCH", BodyPublishers.ofByteArray(bytes)));
	}

	private static void assertQuotaExceeded(Response response, int status, String quota, long limit) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("type").asString()).isEqualTo(PROBLEM);
		assertThat(response.json().get("quota").asString()).isEqualTo(quota);
		assertThat(response.json().get("limit").asLong()).isEqualTo(limit);
	}

	private int uploadsOf(String user) {
		return this.jdbc.queryForObject("select count(*) from upload where owner = ? and status <> 'ABORTED'",
				Integer.class, user);
	}

	private static int files() {
		return ServerTestSupport.storedFiles(dataDir).size();
	}

	private static long storedSize(String uploadId) {
		Path file = ServerTestSupport.storedFiles(dataDir)
			.stream()
			.filter((path) -> path.getFileName().toString().startsWith(uploadId))
			.findFirst()
			.orElseThrow();
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
