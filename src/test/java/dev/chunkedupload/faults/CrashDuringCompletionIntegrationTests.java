package dev.chunkedupload.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.chunkedupload.faults.TwoPieceUpload.Protocol;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerProcess;
import dev.chunkedupload.testsupport.ServerTestSupport;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The server dies as by {@code kill -9} at each step of a completion (the JVM halts
 * itself there, see {@code CrashPoints}): after every byte and the MD5 are recorded but
 * before the move, and after the move but before the status is written. Started again on
 * the same data, the client's ordinary retry (the chunked protocol's completion request
 * again; tus's {@code HEAD}) completes the upload exactly once with the right bytes and
 * MD5, and after one expiry sweep nothing but the final file is stored.
 */
class CrashDuringCompletionIntegrationTests {

	/** The dead server's lease lapses after this; clients retry while it holds. */
	private static final String LEASE = "--chunked-upload.lease-duration=5s";

	@TempDir
	Path dataDir;

	static Stream<Arguments> steps() {
		// tus only where its retry differs: a HEAD finishes what the dead request began.
		return Stream.of(Arguments.of(Protocol.CHUNKED, "complete.recorded"),
				Arguments.of(Protocol.CHUNKED, "complete.moved"), Arguments.of(Protocol.TUS, "complete.moved"));
	}

	@ParameterizedTest(name = "{0} killed at {1}")
	@MethodSource("steps")
	void completionWhenServerKilledAtStepThenRetryCompletesExactlyOnceAndNothingOrphaned(Protocol protocol, String step)
			throws Exception {
		byte[] file = randomBytes(3_000_000, step.hashCode() + protocol.ordinal());
		String id;
		try (ServerProcess first = ServerProcess.start(this.dataDir, "first",
				List.of("-Dchunked-upload.test.crash-at=" + step), LEASE)) {
			TwoPieceUpload upload = new TwoPieceUpload(first.client("alice"), protocol, file);
			upload.sendFirst();
			id = upload.id();
			Throwable cut;
			if (protocol == Protocol.CHUNKED) {
				assertThat(upload.sendSecond().status()).isEqualTo(200);
				cut = catchThrowable(() -> first.client("alice").complete(upload.id(), ServerTestSupport.md5(file)));
			}
			else {
				cut = catchThrowable(upload::sendSecond);
			}
			assertThat(cut).as("the request that reached %s", step).isNotNull();
			assertThat(first.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
		}

		try (ServerProcess second = ServerProcess.start(this.dataDir, "second", List.of(), LEASE)) {
			TwoPieceUpload upload = TwoPieceUpload.resumed(second.client("alice"), protocol, file, id);
			assertThat(upload.acknowledged()).isEqualTo(file.length);
			upload.completeRetryingWhileBusy(Duration.ofSeconds(60));
			upload.assertCompletes();
			upload.assertCompletes();
			Response sweep = second.client("root")
				.send(second.client("root")
					.request("/api/admin/sweep")
					.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
			assertThat(sweep.status()).isEqualTo(200);
			assertThat(ServerTestSupport.storedFiles(this.dataDir)
				.stream()
				.filter((path) -> path.getFileName().toString().startsWith(id))
				.map((path) -> this.dataDir.relativize(path).toString())).singleElement()
				.asString()
				.startsWith("uploads/")
				.endsWith(id);
			assertThat(Pattern.compile("Upload " + id + " of alice complete").matcher(second.log()).results().count())
				.isOne();
		}
	}

}
