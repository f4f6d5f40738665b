package dev.chunkedupload.faults;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.faults.TwoPieceUpload.Protocol;
import dev.chunkedupload.testsupport.GatedInputStream;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerProcess;
import dev.chunkedupload.testsupport.ServerTestSupport;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while a chunk streams, to the server in a JVM of its own: the server stops
 * taking connections at once, and the chunk either finishes within the drain time
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}) and is acknowledged, or, still
 * streaming when the drain time ends, is cut back to the last acknowledged offset. Either
 * way the upload continues after a restart.
 */
class GracefulShutdownIntegrationTests {

	private static final int FILE = 6 * 1024 * 1024;

	@TempDir
	Path dataDir;

	@Test
	void chunkWhenSigtermMidwayAndBodyEndsWithinDrainTimeThenAcknowledgedAndResumesAfterRestart() throws Exception {
		byte[] file = randomBytes(FILE, 90);
		String id;
		try (ServerProcess server = ServerProcess.start(this.dataDir, "first", List.of(),
				"--spring.lifecycle.timeout-per-shutdown-phase=60s")) {
			TwoPieceUpload upload = new TwoPieceUpload(server.client("alice"), Protocol.CHUNKED, file);
			upload.sendFirst();
			id = upload.id();
			Gated second = new Gated(upload);
			try {
				second.awaitStreaming(this.dataDir);
				server.terminate();
				awaitRefusingConnections(server.port());
				second.gate.countDown();
				Response answer = second.sending.get(60, TimeUnit.SECONDS);
				assertThat(answer.status()).as(answer.text()).isEqualTo(200);
				assertThat(answer.json().get("offset").asLong()).isEqualTo(FILE);
			}
			finally {
				second.close();
			}
			assertThat(server.awaitExit(Duration.ofSeconds(60))).isIn(0, 143);
		}
		try (ServerProcess restarted = ServerProcess.start(this.dataDir, "second", List.of())) {
			TwoPieceUpload upload = TwoPieceUpload.resumed(restarted.client("alice"), Protocol.CHUNKED, file, id);
			assertThat(upload.acknowledged()).isEqualTo(FILE);
			upload.assertCompletes();
		}
	}

	@Test
	void chunkWhenSigtermMidwayAndBodyOutlastsDrainTimeThenCutBackAndResumesAfterRestart() throws Exception {
		byte[] file = randomBytes(FILE, 91);
		String id;
		try (ServerProcess server = ServerProcess.start(this.dataDir, "first", List.of(),
				"--spring.lifecycle.timeout-per-shutdown-phase=2s")) {
			TwoPieceUpload upload = new TwoPieceUpload(server.client("alice"), Protocol.CHUNKED, file);
			upload.sendFirst();
			id = upload.id();
			Gated second = new Gated(upload);
			try {
				second.awaitStreaming(this.dataDir);
				server.terminate();
				// The body never ends: the drain time passes and the server exits anyway.
				assertThat(server.awaitExit(Duration.ofSeconds(60))).isIn(0, 143);
			}
			finally {
				second.close();
			}
		}
		try (ServerProcess restarted = ServerProcess.start(this.dataDir, "second", List.of())) {
			TwoPieceUpload upload = TwoPieceUpload.resumed(restarted.client("alice"), Protocol.CHUNKED, file, id);
			assertThat(upload.acknowledged()).isEqualTo(upload.half());
			Response resumed = upload.sendSecond();
			assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
			upload.assertCompletes();
		}
	}

	private static void awaitRefusingConnections(int port) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				Thread.sleep(50);
			}
			catch (IOException ex) {
				return;
			}
		}
		throw new AssertionError("The server kept taking connections after SIGTERM");
	}

	/** The second half on its way, held at a gate after its first 2 MiB. */
	private static final class Gated implements AutoCloseable {

		final CountDownLatch gate = new CountDownLatch(1);

		final ExecutorService executor = Executors.newSingleThreadExecutor();

		final Future<Response> sending;

		final TwoPieceUpload upload;

		Gated(TwoPieceUpload upload) {
			this.upload = upload;
			byte[] second = upload.secondHalf();
			GatedInputStream body = new GatedInputStream(second, 2 * 1024 * 1024, new CountDownLatch(1), this.gate);
			this.sending = this.executor.submit(() -> upload
				.sendSecond(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), second.length)));
		}

		/** The server is streaming the second half: its bytes reach the file. */
		void awaitStreaming(Path dataDir) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (System.nanoTime() < deadline) {
				boolean past = ServerTestSupport.storedFiles(dataDir)
					.stream()
					.filter((path) -> path.getFileName().toString().equals(this.upload.id() + ".part"))
					.anyMatch((path) -> path.toFile().length() > this.upload.half());
				if (past) {
					return;
				}
				Thread.sleep(20);
			}
			throw new AssertionError("The second half never reached the file");
		}

		@Override
		public void close() {
			this.gate.countDown();
			this.executor.shutdownNow();
		}

	}

}
