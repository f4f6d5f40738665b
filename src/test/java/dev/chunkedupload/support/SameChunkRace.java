package dev.chunkedupload.support;

import java.util.Arrays;

import static dev.chunkedupload.support.ServerTestSupport.md5;
import static dev.chunkedupload.support.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same chunk sent twice at once, to one server or to two sharing a database: exactly
 * one request writes it, the other is refused with 409 and writes nothing.
 */
public final class SameChunkRace {

	private SameChunkRace() {
	}

	/**
	 * Start the chunk on instance one with part of its body, then send the same chunk to
	 * instance two while one is still streaming, then finish one.
	 */
	public static void run(int portOne, int portTwo) throws Exception {
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
			awaitBusy(aliceOnTwo, id);
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

	/** Wait (bounded) until the other instance sees the upload as being written. */
	private static void awaitBusy(HttpTestClient client, String id) throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (System.nanoTime() < deadline) {
			if (client.rawChunk(id, "bytes 0-0/1200000", new byte[1], null).status() == 409) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("the first instance never took the lease");
	}

}
