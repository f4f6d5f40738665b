package dev.chunkedupload.faults;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.chunkedupload.faults.TwoPieceUpload.Protocol;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.RawHttp;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that stop sending. A body that stalls longer than
 * {@code chunked-upload.http.body-idle-timeout} (here 1 s) is cut: tus and the draft keep
 * the bytes that arrived, the chunked protocol and resumable.js drop the chunk, and the
 * upload's lease (here 10 minutes) is released with the request, so the client's retry is
 * taken at once. Connections that send their headers slowly (slowloris) hold no request
 * thread while they do.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.sweep-interval=1h", "chunked-upload.http.body-idle-timeout=1s",
				"chunked-upload.lease-duration=10m", "chunked-upload.fsync=false" })
@DirtiesContext
class StalledClientIntegrationTests {

	private static final int SENT_BEFORE_STALL = 100_000;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
	}

	@ParameterizedTest
	@EnumSource(Protocol.class)
	void bodyWhenClientStallsThenCutAndBytesByProtocolRulesAndLeaseReleasedAtOnce(Protocol protocol) throws Exception {
		byte[] file = randomBytes(600_000, 70 + protocol.ordinal());
		TwoPieceUpload upload = new TwoPieceUpload(this.alice, protocol, file);
		upload.sendFirst();
		String answer;
		try (RawHttp stalled = RawHttp.request(this.port, "alice", upload.secondHead()[0], tail(upload.secondHead()))) {
			stalled.send(file, upload.half(), SENT_BEFORE_STALL);
			// The server cuts the connection (RawHttp gives up after 20 s; Tomcat's own
			// read timeout would wait 60 s).
			answer = stalled.response();
		}
		assertThat(answer).doesNotStartWith("HTTP/1.1 5");
		awaitIdleRequestThreads();

		boolean keeps = protocol == Protocol.TUS || protocol == Protocol.RUFH;
		long acknowledged = upload.acknowledged();
		assertThat(acknowledged).isEqualTo(upload.half() + (keeps ? SENT_BEFORE_STALL : 0));
		// Busy (409/423) here would mean the lease waits for its 10 minutes.
		Response resumed = keeps ? upload.sendFrom(acknowledged) : upload.sendSecond();
		assertThat(resumed.status()).as(resumed.text()).isBetween(200, 204);
		upload.assertCompletes();
	}

	@Test
	void headersWhenSentSlowlyByManyConnectionsThenNoRequestThreadHeldAndOthersServed() throws Exception {
		List<Socket> slow = new ArrayList<>();
		try {
			for (int i = 0; i < 40; i++) {
				Socket socket = new Socket("127.0.0.1", this.port);
				socket.getOutputStream()
					.write("GET /api/uploads HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
				slow.add(socket);
			}
			for (int round = 0; round < 5; round++) {
				for (Socket socket : slow) {
					socket.getOutputStream().write(("X-Slow-" + round + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
				}
				// A thread parses what arrived and goes back to the pool: none stays with
				// a
				// connection whose headers are unfinished (40 would stay if they were
				// held).
				awaitIdleRequestThreads();
				assertThat(this.alice.get("/api/uploads").status()).isEqualTo(200);
				Thread.sleep(200);
			}
		}
		finally {
			for (Socket socket : slow) {
				socket.close();
			}
		}
	}

	private ThreadPoolExecutor requestThreads() {
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		return (ThreadPoolExecutor) server.getTomcat().getConnector().getProtocolHandler().getExecutor();
	}

	/**
	 * Every request thread is back in the pool, and stays there for 100 ms: a thread may
	 * still pick up bytes that have just arrived, so one idle moment proves nothing.
	 */
	private void awaitIdleRequestThreads() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		int idleChecks = 0;
		while (idleChecks < 5 && System.nanoTime() < deadline) {
			idleChecks = (requestThreads().getActiveCount() == 0) ? idleChecks + 1 : 0;
			Thread.sleep(20);
		}
		assertThat(idleChecks).as("request threads idle for 5 checks in a row").isEqualTo(5);
	}

	private static String[] tail(String[] head) {
		String[] headers = new String[head.length - 1];
		System.arraycopy(head, 1, headers, 0, headers.length);
		return headers;
	}

}
