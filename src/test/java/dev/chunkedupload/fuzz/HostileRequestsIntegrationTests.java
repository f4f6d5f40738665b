package dev.chunkedupload.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated requests per protocol against the running server, on real
 * sockets: wrong methods, missing and duplicated headers, huge and negative numbers,
 * bodies shorter and longer than declared, broken chunked framing, truncated multipart,
 * control characters and bytes that are not UTF-8 in names, path traversal in every
 * string, other users' upload ids. None may be answered with a 5xx (or left without an
 * answer) or logged as a server error (an exception that escaped to Tomcat, even where
 * Tomcat then chose a 4xx, is an answer outside the protocol's shape), and the uploads
 * they did not target, complete and in flight, other users' and the caller's own, must be
 * unchanged byte for byte and row for row.
 * <p>
 * Seeded: the seed is printed with any failure; {@code -Dfuzz.seed=N} replays a run,
 * {@code -Dfuzz.requests=N} sets how many requests each protocol gets. Each run stops
 * after {@link #TIME_BOUND} whatever the count.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chunked-upload.max-bytes=1MB", "chunked-upload.max-chunk-size=64KB",
				"chunked-upload.storage.filesystem.fsync=false", "logging.level.dev.chunkedupload=WARN",
				"logging.level.org.apache.catalina=ERROR", "logging.level.org.apache.coyote=ERROR" })
class HostileRequestsIntegrationTests {

	private static final Duration TIME_BOUND = Duration.ofSeconds(40);

	private static final int REQUESTS = Integer.getInteger("fuzz.requests", 2000);

	private static Path dataDir;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@Test
	void chunkedWhenThousandsOfHostileRequestsThenNo5xxAndOtherUploadsUnchanged(CapturedOutput output)
			throws IOException {
		fuzz(output, "chunked", (bystanders) -> List.of(bystanders.chunked(false), bystanders.chunked(false)),
				Requests::chunked);
	}

	@Test
	void tusWhenThousandsOfHostileRequestsThenNo5xxAndOtherUploadsUnchanged(CapturedOutput output) throws IOException {
		fuzz(output, "tus", (bystanders) -> List.of(bystanders.tus(false), bystanders.tus(false)), Requests::tus);
	}

	@Test
	void rufhWhenThousandsOfHostileRequestsThenNo5xxAndOtherUploadsUnchanged(CapturedOutput output) throws IOException {
		fuzz(output, "rufh", (bystanders) -> List.of(bystanders.rufh(false), bystanders.rufh(false)), Requests::rufh);
	}

	@Test
	void resumableWhenThousandsOfHostileRequestsThenNo5xxAndOtherUploadsUnchanged(CapturedOutput output)
			throws IOException {
		fuzz(output, "resumable", (bystanders) -> List.of(bystanders.resumable(false)), Requests::resumable);
	}

	@Test
	void uploadsApiWhenThousandsOfHostileRequestsThenNo5xxAndOtherUploadsUnchanged(CapturedOutput output)
			throws IOException {
		fuzz(output, "uploads", (bystanders) -> List.of(bystanders.chunked(true), bystanders.tus(true)),
				Requests::uploads);
	}

	/**
	 * @param output what the server logged
	 * @param name the protocol, for messages
	 * @param makeTargets makes the caller's uploads that requests may aim at
	 * @param generate makes one request
	 */
	private void fuzz(CapturedOutput output, String name, Function<Bystanders, List<String>> makeTargets,
			Function<Requests, FuzzRequest> generate) throws IOException {
		long seed = Long.getLong("fuzz.seed", System.nanoTime());
		HttpTestClient alice = new HttpTestClient(this.port, "alice");
		Bystanders others = new Bystanders(alice.as("bob")).makeEach();
		Bystanders own = new Bystanders(alice).makeEach();
		List<String> targets = makeTargets.apply(new Bystanders(alice));
		Map<String, String> othersBefore = others.snapshot(dataDir);
		Map<String, String> ownBefore = own.snapshot(dataDir);
		int logged = output.getOut().length();

		List<String> aimed = new ArrayList<>(targets);
		aimed.addAll(others.ids());
		Requests requests = new Requests(new Hostile(seed), aimed);
		Map<Integer, Integer> statuses = new TreeMap<>();
		List<String> failures = new ArrayList<>();
		long deadline = System.nanoTime() + TIME_BOUND.toNanos();
		int sent = 0;
		while (sent < REQUESTS && System.nanoTime() < deadline) {
			FuzzRequest request = generate.apply(requests);
			int status = request.send(this.port);
			sent++;
			statuses.merge(status, 1, Integer::sum);
			if ((status >= 500 || status == -2) && failures.size() < 10) {
				failures.add(status + " for request #" + sent + ": " + request);
			}
		}
		String context = name + ": seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + sent
				+ " requests, statuses " + statuses;
		System.out.println("Fuzzed " + context);
		assertThat(failures).as(context).isEmpty();
		assertThat(output.getOut().substring(logged).lines().filter((line) -> line.contains(" ERROR ")).limit(5))
			.as("server errors logged, " + context)
			.isEmpty();
		assertThat(sent).as(context).isGreaterThanOrEqualTo(Math.min(REQUESTS, 300));
		assertThat(others.snapshot(dataDir)).as("other users' uploads after " + context).isEqualTo(othersBefore);
		assertThat(own.snapshot(dataDir)).as("the caller's untargeted uploads after " + context).isEqualTo(ownBefore);
		// And the server still takes a whole upload in each protocol.
		new Bystanders(alice).makeEach();
	}

}
