package dev.chunkedupload.security.token;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API tokens over real HTTP: created, listed and revoked with the password, accepted as
 * {@code Authorization: Bearer} on every protocol and API without CSRF or session,
 * refused at once when revoked or expired, and limited in name, number and lifetime.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chunked-upload.tokens.max-per-user=3",
				"chunked-upload.tokens.max-lifetime=90d" })
@Import(TestClockConfiguration.class)
class TokensIntegrationTests {

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

	@Test
	void createWhenPasswordThen201WithTheSecretOnceAndOnlyItsHashStored() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		Instant before = this.clock.instant().minusMillis(1);
		Response created = create(alice, "{\"name\": \"  nightly backup \", \"expires_in_days\": 30}");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Cache-Control")).isEqualTo("no-store");
		Instant after = this.clock.instant();
		JsonNode body = created.json();
		String token = body.get("token").asString();
		assertThat(token).matches("cut_[0-9a-f]{64}");
		assertThat(body.get("name").asString()).isEqualTo("nightly backup");
		assertThat(Instant.parse(body.get("expires").asString())).isBetween(before.plus(Duration.ofDays(30)),
				after.plus(Duration.ofDays(30)));
		assertThat(created.header("Location")).isEqualTo("/api/tokens/" + body.get("id").asString());

		Map<String, Object> row = this.jdbc.queryForMap("select * from api_token where token_id = ?",
				body.get("id").asString());
		assertThat(row.get("token_hash")).isEqualTo(ApiTokens.hash(token));
		assertThat(row.values()).noneSatisfy((value) -> assertThat(String.valueOf(value)).contains(token.substring(4)));

		Response listed = alice.get("/api/tokens");
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.text()).doesNotContain(token.substring(4));
		assertThat(listed.json()).anySatisfy((listedToken) -> {
			assertThat(listedToken.get("id").asString()).isEqualTo(body.get("id").asString());
			assertThat(listedToken.get("name").asString()).isEqualTo("nightly backup");
			assertThat(listedToken.get("expired").asBoolean()).isFalse();
			assertThat(listedToken.has("token")).isFalse();
		});
	}

	@Test
	void bearerWhenTokenWorksThenEveryProtocolAndApiAsItsOwnerWithoutCsrfOrSession() {
		HttpTestClient bearer = HttpTestClient.withToken(this.port, token("bob", "every protocol"));

		// django-chunked-upload: a chunk and the completion (POSTs: no CSRF token needed)
		byte[] file = randomBytes(10_000, 1);
		Response chunk = bearer.rawChunk(null, "bytes 0-9999/10000", file, "chunked.bin");
		assertThat(chunk.status()).as(chunk.toString()).isEqualTo(200);
		assertThat(chunk.header("Set-Cookie")).isNull();
		String chunkedId = chunk.json().get("upload_id").asString();
		assertThat(bearer.complete(chunkedId, md5(file)).status()).isEqualTo(200);

		// resumable.js: one chunk that is the whole file
		Response resumable = bearer.send(bearer
			.request("/api/resumable?resumableChunkNumber=1&resumableChunkSize=1048576&resumableCurrentChunkSize=5"
					+ "&resumableTotalSize=5&resumableTotalChunks=1&resumableIdentifier=5-r&resumableFilename=r.txt")
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofString("hello")));
		assertThat(resumable.status()).as(resumable.toString()).isEqualTo(200);
		assertThat(resumable.json().get("status").asString()).isEqualTo("complete");

		// tus: create, then PATCH
		Response tus = bearer.send(bearer.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "5")
			.POST(BodyPublishers.noBody()));
		assertThat(tus.status()).as(tus.toString()).isEqualTo(201);
		String tusPath = tus.header("Location").substring(bearer.base().length());
		Response patched = bearer.send(bearer.request(tusPath)
			.header("Tus-Resumable", "1.0.0")
			.header("Content-Type", "application/offset+octet-stream")
			.header("Upload-Offset", "0")
			.method("PATCH", BodyPublishers.ofString("world")));
		assertThat(patched.status()).as(patched.toString()).isEqualTo(204);
		assertThat(patched.header("Upload-Offset")).isEqualTo("5");

		// Resumable Uploads for HTTP: the whole file in the creation
		Response rufh = bearer.send(bearer.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", "9")
			.header("Upload-Complete", "?1")
			.POST(BodyPublishers.ofString("draft")));
		assertThat(rufh.status()).as(rufh.toString()).isEqualTo(201);

		// the protocol-neutral API sees all four as bob's, and bob's only
		Response list = bearer.get("/api/uploads");
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json()).hasSize(4).allSatisfy((upload) -> {
			assertThat(upload.get("owner").asString()).isEqualTo("bob");
			assertThat(upload.get("status").asString()).isEqualTo("complete");
		});
		assertThat(bearer.get("/api/uploads/" + chunkedId + "/content").bytes()).isEqualTo(file);
		assertThat(new HttpTestClient(this.port, "alice").get("/api/uploads/" + chunkedId).status()).isEqualTo(404);
		assertThat(bearer.delete("/api/uploads/" + chunkedId).status()).isEqualTo(204);
	}

	@Test
	void bearerWhenAnotherUsersUploadThen404Everywhere() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		String uploadId = alice.rawChunk(null, "bytes 0-9/20", new byte[10], "mine.bin")
			.json()
			.get("upload_id")
			.asString();
		HttpTestClient bob = HttpTestClient.withToken(this.port, token("bob", "nosy"));

		assertThat(bob.get("/api/uploads/" + uploadId).status()).isEqualTo(404);
		assertThat(bob.get("/api/chunked-upload/" + uploadId).status()).isEqualTo(404);
		assertThat(bob.rawChunk(uploadId, "bytes 10-19/20", new byte[10], null).status()).isEqualTo(404);
		assertThat(bob
			.send(bob.request("/api/tus/" + uploadId)
				.header("Tus-Resumable", "1.0.0")
				.method("HEAD", BodyPublishers.noBody()))
			.status()).isEqualTo(404);
		assertThat(bob.delete("/api/uploads/" + uploadId).status()).isEqualTo(404);
		assertThat(bob.get("/api/uploads").json()).isEmpty();
		assertThat(alice.get("/api/uploads/" + uploadId).json().get("offset").asLong()).isEqualTo(10);
	}

	@Test
	void bearerWhenRevokedOrExpiredThen401AtOnce() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		Response created = create(alice, "{\"name\": \"short\", \"expires_in_days\": 1}");
		String id = created.json().get("id").asString();
		HttpTestClient bearer = HttpTestClient.withToken(this.port, created.json().get("token").asString());
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(200);

		this.clock.advance(Duration.ofDays(1));
		Response expired = bearer.get("/api/uploads");
		assertThat(expired.status()).isEqualTo(401);
		assertThat(expired.json().get("type").asString()).isEqualTo("/problems/invalid-token");
		assertThat(expired.header("WWW-Authenticate")).startsWith("Bearer ").contains("error=\"invalid_token\"");
		assertThat(alice.get("/api/tokens").json()).anySatisfy((token) -> {
			assertThat(token.get("id").asString()).isEqualTo(id);
			assertThat(token.get("expired").asBoolean()).isTrue();
		});

		String other = token("alice", "revoked soon");
		HttpTestClient revoked = HttpTestClient.withToken(this.port, other);
		assertThat(revoked.get("/api/uploads").status()).isEqualTo(200);
		String otherId = idOf(alice, "revoked soon");
		assertThat(alice.delete("/api/tokens/" + otherId).status()).isEqualTo(204);
		assertThat(revoked.get("/api/uploads").status()).isEqualTo(401);
		assertThat(revoked.rawChunk(null, "bytes 0-9/10", new byte[10], "x.bin").status()).isEqualTo(401);
		assertThat(alice.delete("/api/tokens/" + otherId).status()).isEqualTo(404);
	}

	@Test
	void bearerWhenMalformedOrUnknownThen401WithoutFallingBackToAnything() {
		for (String secret : new String[] { "", "cut_", "cut_" + "0".repeat(64), "garbage token",
				"cut_" + "g".repeat(64) }) {
			Response response = new HttpTestClient(this.port, null)
				.send(new HttpTestClient(this.port, null).request("/api/uploads")
					.header("Authorization", "Bearer " + secret)
					.GET());
			assertThat(response.status()).as("'%s'", secret).isEqualTo(401);
			assertThat(response.contentType()).startsWith("application/problem+json");
		}
	}

	@Test
	void tokensWhenManagedWithATokenThen403AndAnotherUsersTokenIs404() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		HttpTestClient bearer = HttpTestClient.withToken(this.port, token("alice", "script"));
		Response refused = create(bearer, "{\"name\": \"more\"}");
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("type").asString()).isEqualTo("/problems/token-not-allowed");
		assertThat(bearer.get("/api/tokens").status()).isEqualTo(403);
		String id = idOf(alice, "script");
		assertThat(bearer.delete("/api/tokens/" + id).status()).isEqualTo(403);

		Response notBobs = alice.as("bob").delete("/api/tokens/" + id);
		assertThat(notBobs.status()).isEqualTo(404);
		assertThat(notBobs.json().get("type").asString()).isEqualTo("/problems/token-not-found");
		assertThat(alice.as("bob").get("/api/tokens").json())
			.noneSatisfy((token) -> assertThat(token.get("id").asString()).isEqualTo(id));
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(200);
	}

	@Test
	void createWhenNameLifetimeOrCountOutOfBoundsThen400Or409() {
		HttpTestClient root = new HttpTestClient(this.port, "root");
		root.get("/api/tokens").json().forEach((token) -> root.delete("/api/tokens/" + token.get("id").asString()));
		assertThat(create(root, "{\"name\": \"\"}").status()).isEqualTo(400);
		assertThat(create(root, "{\"name\": \"" + "n".repeat(101) + "\"}").status()).isEqualTo(400);
		assertThat(create(root, "{\"name\": \"tab\\there\"}").status()).isEqualTo(400);
		assertThat(create(root, "{\"name\": \"x\", \"expires_in_days\": 0}").status()).isEqualTo(400);
		Response tooLong = create(root, "{\"name\": \"x\", \"expires_in_days\": 91}");
		assertThat(tooLong.status()).isEqualTo(400);
		assertThat(tooLong.json().get("detail").asString()).contains("from 1 to 90");
		assertThat(create(root, "{\"name\": \"x\", \"expires_in_days\": \"soon\"}").status()).isEqualTo(400);
		assertThat(create(root, "not json").status()).isEqualTo(400);
		assertThat(root.get("/api/tokens").json()).isEmpty();

		Response defaulted = create(root, "{\"name\": \"one\"}");
		assertThat(defaulted.status()).isEqualTo(201);
		assertThat(Instant.parse(defaulted.json().get("expires").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(29)));
		assertThat(create(root, "{\"name\": \"two\"}").status()).isEqualTo(201);
		assertThat(create(root, "{\"name\": \"three\"}").status()).isEqualTo(201);
		Response fourth = create(root, "{\"name\": \"four\"}");
		assertThat(fourth.status()).isEqualTo(409);
		assertThat(fourth.json().get("type").asString()).isEqualTo("/problems/too-many-tokens");
	}

	@Test
	void bearerWhenUsedOftenThenLastUseRecordedAtMostOnceAMinute() {
		String token = token("bob", "busy");
		String id = this.jdbc.queryForObject("select token_id from api_token where token_hash = ?", String.class,
				ApiTokens.hash(token));
		HttpTestClient bearer = HttpTestClient.withToken(this.port, token);
		assertThat(lastUsed(id)).isNull();
		Instant before = this.clock.instant().minusMillis(1);
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(200);
		Instant first = lastUsed(id);
		assertThat(first).isBetween(before, this.clock.instant());
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(200);
		assertThat(lastUsed(id)).isEqualTo(first);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(bearer.get("/api/uploads").status()).isEqualTo(200);
		assertThat(lastUsed(id)).isAfter(first);
	}

	@Test
	void bearerWhenAdministratorsTokenThenAdminApiAndUsersTokenThen403() {
		HttpTestClient admin = HttpTestClient.withToken(this.port, token("root", "ops"));
		assertThat(admin.get("/api/admin/usage").status()).isEqualTo(200);
		HttpTestClient user = HttpTestClient.withToken(this.port, token("alice", "not ops"));
		assertThat(user.get("/api/admin/usage").status()).isEqualTo(403);
	}

	private String token(String user, String name) {
		Response created = create(new HttpTestClient(this.port, user), "{\"name\": \"" + name + "\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("token").asString();
	}

	private static String idOf(HttpTestClient client, String name) {
		for (JsonNode token : client.get("/api/tokens").json()) {
			if (token.get("name").asString().equals(name)) {
				return token.get("id").asString();
			}
		}
		throw new AssertionError("no token named " + name);
	}

	private Instant lastUsed(String id) {
		OffsetDateTime value = this.jdbc.queryForObject("select last_used_at from api_token where token_id = ?",
				OffsetDateTime.class, id);
		return (value != null) ? value.toInstant() : null;
	}

	private static Response create(HttpTestClient client, String json) {
		HttpRequest.Builder request = client.request("/api/tokens")
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json));
		return client.send(request);
	}

}
