package dev.chunkedupload.upload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.CoreTestConfiguration;
import dev.chunkedupload.testsupport.GatedInputStream;
import dev.chunkedupload.upload.error.OffsetMismatchException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.hash.ResumableMd5;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two requests that send the same chunk of one upload at the same time, through the real
 * {@link UploadService}, lease, database and {@code FileSystemUploadStore}: exactly one
 * of them may write. Run once per supported database by the subclasses.
 */
@DataJpaTest(showSql = false)
@AutoConfigureTestDatabase(replace = Replace.NONE)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Import(CoreTestConfiguration.class)
@Timeout(60)
abstract class AbstractUploadServiceConcurrencyTests {

	private static final String OWNER = "alice";

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	static Path dataDir;

	@Autowired
	private UploadService service;

	@Autowired
	private UploadRepository repository;

	private final Random random = new Random(42);

	private ExecutorService executor;

	@DynamicPropertySource
	static void storeInTemporaryDirectory(DynamicPropertyRegistry registry) {
		registry.add("chunked-upload.data-dir", () -> dataDir.toString());
	}

	@BeforeEach
	void startThreads() {
		this.executor = Executors.newFixedThreadPool(2);
	}

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	/**
	 * The request that takes the lease stops in the middle of its body until the other
	 * request has returned, so the other one certainly arrives while the first is
	 * writing: it must be turned away as busy without reading a byte.
	 */
	@Test
	void appendWhenSameChunkArrivesWhileItIsBeingWrittenThenOnlyOneRequestWrites() throws Exception {
		byte[] head = randomBytes(1000);
		ChunkedUpload upload = this.service.start(OWNER, UploadProtocol.CHUNKED, "race.bin",
				new Chunk(0, (long) head.length, null, false, false), new ByteArrayInputStream(head));
		byte[] chunk = randomBytes(300_000);
		Chunk range = new Chunk(head.length, (long) chunk.length, null, false, false);
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch atGate = new CountDownLatch(1);
		CountDownLatch gate = new CountDownLatch(1);
		List<GatedInputStream> bodies = List.of(new GatedInputStream(chunk, 4096, atGate, gate),
				new GatedInputStream(chunk, 4096, atGate, gate));
		CompletionService<ChunkedUpload> requests = new ExecutorCompletionService<>(this.executor);
		for (GatedInputStream body : bodies) {
			requests.submit(append(start, upload.getId(), range, body));
		}

		start.countDown();
		boolean oneWriting = atGate.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		Future<ChunkedUpload> firstDone = requests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		long bodiesAtGate = bodies.stream().filter(GatedInputStream::reachedGate).count();
		gate.countDown();
		Future<ChunkedUpload> secondDone = requests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);

		assertThat(oneWriting).as("a request reached the middle of its body").isTrue();
		assertThat(firstDone).as("a request that returned while the other was inside its body").isNotNull();
		assertThat(secondDone).as("the request that waited at the gate").isNotNull();
		assertThat(bodiesAtGate).as("bodies read up to the gate when the first request returned").isOne();
		assertThat(failure(firstDone)).isInstanceOf(UploadBusyException.class);
		assertThat(secondDone.get().getOffset()).isEqualTo(head.length + chunk.length);
		assertThat(bodies).filteredOn((body) -> body.bytesRead() > 0).hasSize(1);
		assertStoredOnce(upload.getId(), head, chunk);
	}

	/**
	 * A client that did not see the answer to a chunk sends it again: the retry is
	 * refused with the recorded offset, and nothing is written twice.
	 */
	@Test
	void appendWhenSameChunkIsSentAgainAfterItWasStoredThenOffsetMismatch() throws Exception {
		byte[] head = randomBytes(1000);
		ChunkedUpload upload = this.service.start(OWNER, UploadProtocol.CHUNKED, "retry.bin",
				new Chunk(0, (long) head.length, null, false, false), new ByteArrayInputStream(head));
		byte[] chunk = randomBytes(5000);
		Chunk range = new Chunk(head.length, (long) chunk.length, null, false, false);
		this.service.append(OWNER, upload.getId(), range, new ByteArrayInputStream(chunk));

		assertThatExceptionOfType(OffsetMismatchException.class)
			.isThrownBy(() -> this.service.append(OWNER, upload.getId(), range, new ByteArrayInputStream(chunk)))
			.satisfies((ex) -> assertThat(ex.getExpected()).isEqualTo(head.length + chunk.length));
		assertStoredOnce(upload.getId(), head, chunk);
	}

	/**
	 * Without a gate, whichever request comes second finds the lease taken (busy) or the
	 * offset moved on (mismatch); both may never write.
	 */
	@Test
	void appendWhenSameChunkRacesRepeatedlyThenEachChunkIsStoredOnce() throws Exception {
		byte[] head = randomBytes(100);
		ChunkedUpload upload = this.service.start(OWNER, UploadProtocol.TUS, "races.bin",
				new Chunk(0, (long) head.length, null, false, false), new ByteArrayInputStream(head));
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		expected.write(head);
		List<byte[]> chunks = new ArrayList<>();
		for (int round = 0; round < 20; round++) {
			byte[] chunk = randomBytes(8192 + round);
			Chunk range = new Chunk(expected.size(), (long) chunk.length, null, false, false);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ChunkedUpload>> requests = List.of(
					this.executor.submit(append(start, upload.getId(), range, new ByteArrayInputStream(chunk))),
					this.executor.submit(append(start, upload.getId(), range, new ByteArrayInputStream(chunk))));

			start.countDown();
			List<ChunkedUpload> successes = new ArrayList<>();
			List<Throwable> failures = new ArrayList<>();
			for (Future<ChunkedUpload> request : requests) {
				try {
					successes.add(request.get(WAIT.toSeconds(), TimeUnit.SECONDS));
				}
				catch (ExecutionException ex) {
					failures.add(ex.getCause());
				}
			}

			assertThat(successes).as("requests that wrote in round %d", round).hasSize(1);
			assertThat(failures).singleElement()
				.isInstanceOfAny(UploadBusyException.class, OffsetMismatchException.class);
			expected.write(chunk);
			chunks.add(chunk);
			assertThat(successes.get(0).getOffset()).isEqualTo(expected.size());
		}
		List<byte[]> parts = new ArrayList<>();
		parts.add(head);
		parts.addAll(chunks);
		assertStoredOnce(upload.getId(), parts.toArray(byte[][]::new));
	}

	private Callable<ChunkedUpload> append(CountDownLatch start, String uploadId, Chunk range, InputStream body) {
		return () -> {
			if (!start.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
				throw new IllegalStateException("Start gate not opened");
			}
			return this.service.append(OWNER, uploadId, range, body);
		};
	}

	/**
	 * The recorded offset, the stored file and the carried MD5 state all hold the given
	 * parts exactly once, and the upload accepts its next request (its lease was
	 * released) and completes with the MD5 of those bytes.
	 */
	private void assertStoredOnce(String uploadId, byte[]... parts) throws IOException {
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			expected.write(part);
		}
		ChunkedUpload recorded = this.repository.findById(uploadId).orElseThrow();
		assertThat(recorded.getOffset()).isEqualTo(expected.size());
		assertThat(Files.readAllBytes(dataDir.resolve(recorded.getStorageKey()))).isEqualTo(expected.toByteArray());
		String md5 = md5(expected.toByteArray());
		assertThat(ResumableMd5.restore(recorded.getHashState()).hexDigest()).isEqualTo(md5);
		ChunkedUpload completed = this.service.complete(OWNER, uploadId, md5);
		assertThat(completed.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(Files.readAllBytes(dataDir.resolve(completed.getStorageKey()))).isEqualTo(expected.toByteArray());
	}

	private static Throwable failure(Future<ChunkedUpload> request) throws InterruptedException {
		try {
			ChunkedUpload upload = request.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			throw new AssertionError("Expected the request to fail, but it wrote up to " + upload.getOffset());
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (TimeoutException ex) {
			throw new AssertionError("The request did not finish", ex);
		}
	}

	private byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

}
