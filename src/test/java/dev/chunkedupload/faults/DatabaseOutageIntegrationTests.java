package dev.chunkedupload.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.chunkedupload.faults.TwoPieceUpload.Protocol;
import dev.chunkedupload.testsupport.GatedInputStream;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stops while a chunk is streaming and starts again on the same port and data
 * directory (a database failover or restart): the chunk whose offset cannot be recorded
 * is 503 with {@code Retry-After} in each protocol, so are requests while it is down,
 * never 500; nothing acknowledged is lost, and once the database is back the client's
 * retry goes through at once (the lease the failed request could not release is released
 * by the next one) and the file is stored whole.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.sweep-interval=1h", "spring.datasource.hikari.connection-timeout=1000",
				"spring.datasource.hikari.validation-timeout=500", "chunked-upload.lease-duration=10m" })
@DirtiesContext
class DatabaseOutageIntegrationTests {

	private static final int FILE = 6 * 1024 * 1024;

	static Path dataDir;

	static Path databaseDir;

	static int databasePort;

	static EmbeddedPostgres database;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		dataDir = ServerTestSupport.register(registry);
		databaseDir = Files.createTempDirectory("outage-postgres");
		try (ServerSocket socket = new ServerSocket(0)) {
			databasePort = socket.getLocalPort();
		}
		startDatabase();
		registry.add("spring.datasource.url", () -> database.getJdbcUrl("postgres", "postgres"));
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "");
	}

	@AfterAll
	static void stopDatabase() throws IOException {
		if (database != null) {
			database.close();
		}
	}

	private static void startDatabase() {
		try {
			database = EmbeddedPostgres.builder()
				.setDataDirectory(databaseDir)
				.setCleanDataDirectory(false)
				.setPort(databasePort)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@LocalServerPort
	int port;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@ParameterizedTest
	@EnumSource(Protocol.class)
	void chunkWhenDatabaseStopsMidwayThen503AndNothingLostAndResumesWhenBack(Protocol protocol) throws Exception {
		byte[] file = randomBytes(FILE, 40 + protocol.ordinal());
		TwoPieceUpload upload = new TwoPieceUpload(this.alice, protocol, file);
		upload.sendFirst();
		byte[] second = upload.secondHalf();
		CountDownLatch atGate = new CountDownLatch(1);
		CountDownLatch gate = new CountDownLatch(1);
		GatedInputStream body = new GatedInputStream(second, 2 * 1024 * 1024, atGate, gate);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<Response> sending = executor.submit(() -> upload
				.sendSecond(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), second.length)));
			awaitBytesPast(upload.id(), upload.half());

			database.close();
			gate.countDown();
			Response failed = sending.get(60, TimeUnit.SECONDS);

			assertThat(failed.status()).as(failed.text()).isEqualTo(503);
			assertThat(failed.header("Retry-After")).isNotNull();
			assertThat(failed.json().get("type").asString()).isEqualTo("/problems/database-unavailable");
			Response whileDown = this.alice.get("/api/uploads/" + upload.id());
			assertThat(whileDown.status()).as(whileDown.text()).isEqualTo(503);
			assertThat(whileDown.header("Retry-After")).isNotNull();
		}
		finally {
			gate.countDown();
			executor.shutdownNow();
			if (database == null || !isUp()) {
				startDatabase();
			}
		}
		awaitDatabase(upload.id());
		assertThat(upload.acknowledged()).isEqualTo(upload.half());
		Response resumed = upload.sendSecond();
		assertThat(resumed.status()).as(resumed.text()).isBetween(200, 204);
		upload.assertCompletes();
	}

	private static boolean isUp() {
		try (var connection = database.getPostgresDatabase().getConnection()) {
			return connection.isValid(1);
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** The server is streaming the second half: its bytes reach the file. */
	private static void awaitBytesPast(String id, long size) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			boolean past = ServerTestSupport.storedFiles(dataDir)
				.stream()
				.filter((path) -> path.getFileName().toString().startsWith(id))
				.anyMatch((path) -> path.toFile().length() > size);
			if (past) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("The second half never reached the file");
	}

	/** The pool reconnects on its own; a client retries after Retry-After. */
	private void awaitDatabase(String id) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			Response status = this.alice.get("/api/uploads/" + id);
			assertThat(status.status()).as(status.text()).isIn(200, 503);
			if (status.status() == 200) {
				return;
			}
			Thread.sleep(200);
		}
		throw new AssertionError("The server never reached the restarted database");
	}

}
