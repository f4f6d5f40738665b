package dev.chunkedupload.testsupport;

import java.util.Arrays;

import dev.chunkedupload.upload.lease.LocalLeases;

import org.springframework.jdbc.core.JdbcTemplate;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same chunk sent twice at once, to one server or to two sharing a database: exactly
 * one request writes it, the other is refused with 409 and writes nothing.
 */
public final class SameChunkRace {

	private SameChunkRace() {
	}

	/**
	 * Start the chunk on instance one with part of its body; once it holds the upload's
	 * lease (read from the shared database, so the test does not disturb the race), send
	 * the same chunk to instance two; then finish the first.
	 * @param portOne the first instance
	 * @param portTwo the second instance (may be the first)
	 * @param database the database both share
	 */
	public static void run(int portOne, int portTwo, JdbcTemplate database) throws Exception {
		byte[] file = randomBytes(1_200_000, 41);
		HttpTestClient aliceOnOne = new HttpTestClient(portOne, "alice");
		HttpTestClient aliceOnTwo = new HttpTestClient(portTwo, "alice");
		String id = aliceOnOne.multipartChunk(null, "bytes 0-199999/1200000", Arrays.copyOfRange(file, 0, 200_000), "f")
			.json()
			.get("upload_id")
			.asString();
		assertThat(aliceOnTwo.get("/api/chunked-upload/" + id).json().get("offset").asLong()).isEqualTo(200_000);
		String range = "bytes 200000-1199999/1200000";
		try (RawHttp first = RawHttp.chunk(portOne, "alice", id, range, 1_000_000)) {
			first.send(file, 200_000, 100_000);
			awaitLease(database, id, true);
			String secondAnswer;
			try (RawHttp second = RawHttp.chunk(portTwo, "alice", id, range, 1_000_000)) {
				second.send(file, 200_000, 100_000);
				secondAnswer = second.response();
			}
			first.send(file, 300_000, 900_000);
			assertThat(first.response()).startsWith("HTTP/1.1 200");
			assertThat(secondAnswer).startsWith("HTTP/1.1 409").contains("upload-busy");
		}
		assertThat(aliceOnTwo.get("/api/chunked-upload/" + id).json().get("offset").asLong()).isEqualTo(1_200_000);
		assertThat(aliceOnTwo.complete(id, md5(file)).status()).isEqualTo(200);
		assertThat(aliceOnOne.get("/api/uploads/" + id + "/content").bytes()).isEqualTo(file);
	}

	/**
	 * Wait (bounded) until an upload's lease is held or free, as the database says, or,
	 * for a chunk's lease on an embedded database, as this JVM's leases in memory say.
	 * @param database the database
	 * @param id the upload
	 * @param held whether to wait for a holder or for none
	 */
	public static void awaitLease(JdbcTemplate database, String id, boolean held) throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (System.nanoTime() < deadline) {
			String owner = database.queryForObject("select lease_owner from upload where upload_id = ?", String.class,
					id);
			if ((owner != null || LocalLeases.takenInThisJvm(id)) == held) {
				return;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("the lease of " + id + " never became " + (held ? "held" : "free"));
	}

}
