package dev.chunkedupload;

import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.Arrays;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.RoundTripCounter;
import dev.chunkedupload.testsupport.ServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On embedded H2 (the default database), a chunk in the middle of an upload writes the
 * database once: its record. Its lease is kept in memory, because no other process can
 * open the database (LocalLeases); on a shared database it is a second write, see
 * DatabaseRoundTripsIntegrationTests. H2 writes every commit to its file before it
 * returns, so a write per chunk is the database's largest cost per chunk (issue 12).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(RoundTripCounter.class)
class EmbeddedDatabaseWritesIntegrationTests {

	static final int CHUNK = 64 * 1024;

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	RoundTripCounter counter;

	@Test
	void tusWhenPatchInTheMiddleThenOneWriteAndAtMostThreeRoundTrips() {
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		byte[] file = randomBytes(3 * CHUNK, 5);
		Response created = alice.send(alice.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", String.valueOf(file.length))
			.POST(BodyPublishers.noBody()));
		String location = URI.create(created.header("Location")).getPath();
		assertThat(patch(alice, location, file, 0).status()).isEqualTo(204);
		int trips = this.counter.count();
		int writes = this.counter.writes();
		assertThat(patch(alice, location, file, CHUNK).status()).isEqualTo(204);
		assertThat(this.counter.writes() - writes).as("writes of a tus PATCH").isEqualTo(1);
		assertThat(this.counter.count() - trips).as("round trips of a tus PATCH").isBetween(1, 3);
		assertThat(patch(alice, location, file, 2 * CHUNK).status()).isEqualTo(204);
		assertThat(alice.get(location.replace("/api/tus/", "/api/uploads/") + "/content").bytes()).isEqualTo(file);
	}

	private static Response patch(HttpTestClient alice, String path, byte[] file, int offset) {
		return alice.send(alice.request(path)
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Offset", String.valueOf(offset))
			.header("Content-Type", "application/offset+octet-stream")
			.method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOfRange(file, offset, offset + CHUNK))));
	}

}
