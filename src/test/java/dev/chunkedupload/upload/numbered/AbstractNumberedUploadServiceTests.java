package dev.chunkedupload.upload.numbered;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.testsupport.CoreTestConfiguration;
import dev.chunkedupload.testsupport.GatedInputStream;
import dev.chunkedupload.upload.attach.UploadAttachments;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.error.UploadAlreadyAttachedException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.error.UploadIncompleteException;
import dev.chunkedupload.upload.error.UploadNotFoundException;
import dev.chunkedupload.upload.hash.RunningMd5;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Numbered chunks in parallel, out of order and repeated, through the real
 * {@link NumberedUploadService}, database and file store. Run once per supported database
 * by the subclasses.
 */
@DataJpaTest(showSql = false)
@AutoConfigureTestDatabase(replace = Replace.NONE)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Import(CoreTestConfiguration.class)
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractNumberedUploadServiceTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	static Path dataDir;

	@Autowired
	private NumberedUploadService service;

	@Autowired
	private UploadRepository repository;

	@Autowired
	private UploadAttachments attachments;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private UploadStore store;

	private final Random random = new Random(7);

	private ExecutorService executor;

	@DynamicPropertySource
	static void storeInTemporaryDirectory(DynamicPropertyRegistry registry) {
		registry.add("chunked-upload.data-dir", () -> dataDir.toString());
	}

	@BeforeEach
	void startThreads() {
		this.executor = Executors.newFixedThreadPool(4);
	}

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void writeWhenChunksArriveInParallelOutOfOrderAndTwiceThenFileAndMd5AreRight() throws Exception {
		byte[] file = randomBytes(39 * 10_000 + 15_000);
		ChunkLayout layout = new ChunkLayout(file.length, 10_000, 40);
		List<Integer> sends = new ArrayList<>();
		for (int number = 1; number <= 40; number++) {
			sends.add(number);
			sends.add(number);
		}
		Collections.shuffle(sends, this.random);
		List<Future<ChunkReceipt>> results = new ArrayList<>();
		for (int number : sends) {
			results
				.add(this.executor.submit(() -> sendUntilAccepted("alice", "id-1", "big.bin", layout, number, file)));
		}
		List<ChunkReceipt> receipts = new ArrayList<>();
		for (Future<ChunkReceipt> result : results) {
			receipts.add(result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
		}

		String id = receipts.get(0).upload().getId();
		assertThat(receipts).allSatisfy((receipt) -> assertThat(receipt.upload().getId()).isEqualTo(id));
		assertThat(receipts).filteredOn((receipt) -> !receipt.duplicate()).hasSize(40);
		ChunkedUpload upload = this.repository.findById(id).orElseThrow();
		assertThat(upload.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(upload.getMd5()).contains(md5(file));
		assertThat(stored(upload.getStorageKey())).isEqualTo(file);
		assertThat(this.jdbc.queryForObject("select count(*) from upload_chunk where upload_id = ?", Integer.class, id))
			.isZero();
		assertThat(this.service.isStored("alice", chunk("id-1", "big.bin", layout, 40))).isTrue();
	}

	/**
	 * Chunks of S3's minimum part size: where chunks are stored apart, the store may join
	 * them by copies of its own (S3's UploadPartCopy) instead of the core streaming them.
	 */
	@Test
	void writeWhenChunksOfSeveralMebibytesArriveOutOfOrderThenJoinedWithTheRightBytesAndMd5() throws IOException {
		int chunkSize = 5 * 1024 * 1024;
		byte[] file = randomBytes(2 * chunkSize + 123_457);
		ChunkLayout layout = new ChunkLayout(file.length, chunkSize, 3);
		send("alice", "id-big", "big.bin", layout, 3, file);
		send("alice", "id-big", "big.bin", layout, 1, file);
		ChunkReceipt last = send("alice", "id-big", "big.bin", layout, 2, file);
		assertThat(last.complete()).isTrue();
		assertThat(last.upload().getMd5()).contains(md5(file));
		assertThat(stored(last.upload().getStorageKey())).isEqualTo(file);
	}

	@Test
	void writeWhenChunksArriveInOrderThenHashedPrefixFollowsWithoutWaitingForTheEnd() {
		byte[] file = randomBytes(5 * 1000 + 500);
		ChunkLayout layout = new ChunkLayout(file.length, 1000, 5);
		String id = send("alice", "id-2", "prefix.bin", layout, 1, file).upload().getId();
		assertPrefix(id, file, 1000);
		send("alice", "id-2", "prefix.bin", layout, 3, file);
		assertPrefix(id, file, 1000);
		send("alice", "id-2", "prefix.bin", layout, 2, file);
		assertPrefix(id, file, 3000);
		send("alice", "id-2", "prefix.bin", layout, 4, file);
		assertPrefix(id, file, 4000);
		ChunkReceipt last = send("alice", "id-2", "prefix.bin", layout, 5, file);
		assertThat(last.complete()).isTrue();
		assertThat(last.upload().getMd5()).contains(md5(file));
		assertThat(last.upload().getOffset()).isEqualTo(file.length);
	}

	/**
	 * The last two chunks at the same moment, many times over: the completion runs once
	 * (its log line is written once per upload), every request succeeds, and the request
	 * that completed answers the completed upload.
	 */
	@Test
	void writeWhenLastChunksArriveAtOnceThenCompletesExactlyOnce(CapturedOutput output) throws Exception {
		for (int round = 0; round < 15; round++) {
			byte[] file = randomBytes(4 * 3000 + 10);
			ChunkLayout layout = new ChunkLayout(file.length, 3000, 4);
			String identifier = "race-" + round;
			send("alice", identifier, "race.bin", layout, 1, file);
			send("alice", identifier, "race.bin", layout, 3, file);
			CountDownLatch start = new CountDownLatch(1);
			Future<ChunkReceipt> two = this.executor.submit(gated(start, "alice", identifier, layout, 2, file));
			Future<ChunkReceipt> four = this.executor.submit(gated(start, "alice", identifier, layout, 4, file));
			start.countDown();
			ChunkReceipt a = two.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			ChunkReceipt b = four.get(WAIT.toSeconds(), TimeUnit.SECONDS);

			assertThat(List.of(a, b)).as("round %d", round).anyMatch(ChunkReceipt::complete);
			assertThat(List.of(a, b)).allMatch((receipt) -> receipt.complete() || receipt.storedChunks() == 3);
			String id = a.upload().getId();
			ChunkedUpload upload = this.repository.findById(id).orElseThrow();
			assertThat(upload.getStatus()).isEqualTo(UploadStatus.COMPLETE);
			assertThat(upload.getMd5()).contains(md5(file));
			assertThat(stored(upload.getStorageKey())).isEqualTo(file);
			assertThat(output.getOut().split("Upload " + id + " of alice complete", -1)).as("completions of %s", id)
				.hasSize(2);
		}
	}

	@Test
	void writeWhenSameChunkIsBeingWrittenThenSecondIsBusyAndReadsNothing() throws Exception {
		byte[] file = randomBytes(3 * 200_000);
		ChunkLayout layout = new ChunkLayout(file.length, 200_000, 3);
		send("alice", "id-3", "busy.bin", layout, 1, file);
		byte[] two = Arrays.copyOfRange(file, 200_000, 400_000);
		CountDownLatch atGate = new CountDownLatch(1);
		CountDownLatch gate = new CountDownLatch(1);
		GatedInputStream slow = new GatedInputStream(two, 4096, atGate, gate);
		Future<ChunkReceipt> first = this.executor.submit(() -> this.service.write("alice", UploadProtocol.RESUMABLE,
				chunk("id-3", "busy.bin", layout, 2), slow));
		assertThat(atGate.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CountingInputStream second = new CountingInputStream(two);
		assertThatExceptionOfType(UploadBusyException.class).isThrownBy(() -> this.service.write("alice",
				UploadProtocol.RESUMABLE, chunk("id-3", "busy.bin", layout, 2), second));
		assertThat(second.read).isZero();
		gate.countDown();
		assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).duplicate()).isFalse();

		CountingInputStream again = new CountingInputStream(two);
		ChunkReceipt duplicate = this.service.write("alice", UploadProtocol.RESUMABLE,
				chunk("id-3", "busy.bin", layout, 2), again);
		assertThat(duplicate.duplicate()).isTrue();
		assertThat(duplicate.storedChunks()).isEqualTo(2);
		assertThat(again.read).isZero();
		ChunkReceipt last = send("alice", "id-3", "busy.bin", layout, 3, file);
		assertThat(last.complete()).isTrue();
		assertThat(last.upload().getMd5()).contains(md5(file));
	}

	@Test
	void writeWhenChunkShorterOrLongerThanStatedThenRefusedAndChunkStaysMissing() {
		byte[] file = randomBytes(3000);
		ChunkLayout layout = new ChunkLayout(file.length, 1000, 3);
		String id = send("alice", "id-4", "short.bin", layout, 1, file).upload().getId();
		assertThatExceptionOfType(LengthMismatchException.class)
			.isThrownBy(() -> this.service.write("alice", UploadProtocol.RESUMABLE,
					chunk("id-4", "short.bin", layout, 2), new ByteArrayInputStream(file, 1000, 999)));
		assertThatExceptionOfType(LengthMismatchException.class).isThrownBy(() -> this.service.write("alice",
				UploadProtocol.RESUMABLE, chunk("id-4", "short.bin", layout, 2), new ByteArrayInputStream(file)));
		assertThat(this.service.isStored("alice", chunk("id-4", "short.bin", layout, 2))).isFalse();
		assertThat(this.jdbc.queryForObject("select count(*) from upload_chunk where upload_id = ?", Integer.class, id))
			.isOne();
		send("alice", "id-4", "short.bin", layout, 2, file);
		assertThat(send("alice", "id-4", "short.bin", layout, 3, file).upload().getMd5()).contains(md5(file));
	}

	@Test
	void writeWhenTwoUsersSendTheSameIdentifierThenEachHasOwnUpload() {
		byte[] aliceFile = randomBytes(2000);
		byte[] bobFile = randomBytes(2000);
		ChunkLayout layout = new ChunkLayout(2000, 1000, 2);
		String aliceId = send("alice", "2000-same.bin", "same.bin", layout, 1, aliceFile).upload().getId();
		assertThat(this.service.isStored("bob", chunk("2000-same.bin", "same.bin", layout, 1))).isFalse();
		String bobId = send("bob", "2000-same.bin", "same.bin", layout, 2, bobFile).upload().getId();
		assertThat(bobId).isNotEqualTo(aliceId);
		ChunkedUpload bobs = send("bob", "2000-same.bin", "same.bin", layout, 1, bobFile).upload();
		ChunkedUpload alices = send("alice", "2000-same.bin", "same.bin", layout, 2, aliceFile).upload();
		assertThat(bobs.getOwner()).isEqualTo("bob");
		assertThat(bobs.getMd5()).contains(md5(bobFile));
		assertThat(alices.getOwner()).isEqualTo("alice");
		assertThat(alices.getMd5()).contains(md5(aliceFile));
	}

	@Test
	void isStoredWhenAskedThenNothingIsCreated() {
		ChunkLayout layout = new ChunkLayout(2000, 1000, 2);
		int uploads = this.jdbc.queryForObject("select count(*) from upload", Integer.class);
		assertThat(this.service.isStored("alice", chunk("never-sent", "x.bin", layout, 1))).isFalse();
		assertThat(this.jdbc.queryForObject("select count(*) from upload", Integer.class)).isEqualTo(uploads);
	}

	@Test
	void writeWhenChunkSizeChangesThenRefused() {
		byte[] file = randomBytes(4000);
		send("alice", "id-5", "resized.bin", new ChunkLayout(4000, 1000, 4), 1, file);
		assertThatExceptionOfType(LengthMismatchException.class)
			.isThrownBy(() -> send("alice", "id-5", "resized.bin", new ChunkLayout(4000, 2000, 2), 2, file));
	}

	@Test
	void writeWhenEmptyFileThenCompletesWithEmptyMd5() {
		ChunkReceipt receipt = send("alice", "0-empty", "empty.bin", new ChunkLayout(0, 1000, 1), 1, new byte[0]);
		assertThat(receipt.complete()).isTrue();
		assertThat(receipt.upload().getMd5()).contains(md5(new byte[0]));
	}

	@Test
	void writeWhenClaimOfDeadWriterLapsedThenTakenOverAndLiveClaimIsBusy() {
		byte[] file = randomBytes(3000);
		ChunkLayout layout = new ChunkLayout(3000, 1000, 3);
		String id = send("alice", "id-6", "dead.bin", layout, 1, file).upload().getId();
		this.jdbc.update(
				"insert into upload_chunk (upload_id, chunk_number, stored, lease_owner, lease_until) "
						+ "values (?, 2, false, 'dead', ?), (?, 3, false, 'alive', ?)",
				id, java.time.OffsetDateTime.now().minusMinutes(5), id, java.time.OffsetDateTime.now().plusMinutes(5));
		assertThat(send("alice", "id-6", "dead.bin", layout, 2, file).duplicate()).isFalse();
		assertThatExceptionOfType(UploadBusyException.class)
			.isThrownBy(() -> send("alice", "id-6", "dead.bin", layout, 3, file));
		this.jdbc.update("update upload_chunk set lease_until = ? where upload_id = ? and chunk_number = 3",
				java.time.OffsetDateTime.now().minusSeconds(1), id);
		assertThat(send("alice", "id-6", "dead.bin", layout, 3, file).upload().getMd5()).contains(md5(file));
	}

	@Test
	void attachWhenTwoRecordsTakeTheSameUploadAtOnceThenExactlyOneHasIt() throws Exception {
		for (int round = 0; round < 10; round++) {
			byte[] file = randomBytes(2000);
			String id = send("alice", "attach-" + round, "a.bin", new ChunkLayout(2000, 1000, 2), 1, file).upload()
				.getId();
			send("alice", "attach-" + round, "a.bin", new ChunkLayout(2000, 1000, 2), 2, file);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ChunkedUpload>> attempts = new ArrayList<>();
			for (String record : List.of("record:a", "record:b")) {
				attempts.add(this.executor.submit(() -> {
					start.await(WAIT.toSeconds(), TimeUnit.SECONDS);
					return this.attachments.attach("alice", id, "records/{upload_id}", record);
				}));
			}
			start.countDown();
			List<ChunkedUpload> attached = new ArrayList<>();
			for (Future<ChunkedUpload> attempt : attempts) {
				try {
					attached.add(attempt.get(WAIT.toSeconds(), TimeUnit.SECONDS));
				}
				catch (ExecutionException ex) {
					assertThat(ex.getCause()).isInstanceOfAny(UploadAlreadyAttachedException.class,
							UploadBusyException.class);
				}
			}
			assertThat(attached).as("round %d", round).hasSize(1);
			assertThat(this.attachments.isAttached(id)).isTrue();
			ChunkedUpload upload = this.repository.findById(id).orElseThrow();
			assertThat(upload.getStorageKey()).isEqualTo("records/" + id);
			assertThat(stored(upload.getStorageKey())).isEqualTo(file);
			assertThatExceptionOfType(UploadAlreadyAttachedException.class)
				.isThrownBy(() -> this.attachments.attach("alice", id, "records/{upload_id}", "record:c"));
		}
	}

	@Test
	void attachWhenNotOwnedOrIncompleteOrUnsafeAreaThenRefused() {
		byte[] file = randomBytes(2000);
		ChunkLayout layout = new ChunkLayout(2000, 1000, 2);
		String id = send("alice", "id-7", "b.bin", layout, 1, file).upload().getId();
		assertThatExceptionOfType(UploadIncompleteException.class)
			.isThrownBy(() -> this.attachments.attach("alice", id, "records/{upload_id}", "r"));
		send("alice", "id-7", "b.bin", layout, 2, file);
		assertThatExceptionOfType(UploadNotFoundException.class)
			.isThrownBy(() -> this.attachments.attach("bob", id, "records/{upload_id}", "r"));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.attachments.attach("alice", id, "../{upload_id}", "r"));
		assertThat(this.attachments.isAttached(id)).isFalse();
	}

	@Test
	void sweepWhenUploadsNoLongerTakeChunksThenTheirRowsAndKeysGo() {
		byte[] file = randomBytes(2000);
		ChunkLayout layout = new ChunkLayout(2000, 1000, 2);
		String id = send("alice", "id-8", "swept.bin", layout, 1, file).upload().getId();
		this.jdbc.update("update upload set status = 'ABORTED' where upload_id = ?", id);
		this.service.sweep();
		assertThat(this.jdbc.queryForObject("select count(*) from upload_chunk where upload_id = ?", Integer.class, id))
			.isZero();
		assertThat(this.jdbc.queryForObject("select client_key from parallel_upload where upload_id = ?", String.class,
				id))
			.isNull();
		String fresh = send("alice", "id-8", "swept.bin", layout, 1, file).upload().getId();
		assertThat(fresh).isNotEqualTo(id);
	}

	/** The stored object's bytes, read through the store as downloads read them. */
	private byte[] stored(String key) throws IOException {
		try (InputStream in = this.store.open(key).openStream(0)) {
			return in.readAllBytes();
		}
	}

	private void assertPrefix(String id, byte[] file, int prefix) {
		ChunkedUpload upload = this.repository.findById(id).orElseThrow();
		assertThat(upload.getOffset()).isEqualTo(prefix);
		assertThat(RunningMd5.hexDigest(upload.getHashState())).isEqualTo(md5(Arrays.copyOf(file, prefix)));
	}

	private Callable<ChunkReceipt> gated(CountDownLatch start, String owner, String identifier, ChunkLayout layout,
			int number, byte[] file) {
		return () -> {
			if (!start.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
				throw new IllegalStateException("Start gate not opened");
			}
			return send(owner, identifier, "race.bin", layout, number, file);
		};
	}

	/** Like a client: a busy answer is retried (bounded). */
	private ChunkReceipt sendUntilAccepted(String owner, String identifier, String name, ChunkLayout layout, int number,
			byte[] file) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			try {
				return send(owner, identifier, name, layout, number, file);
			}
			catch (UploadBusyException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(5);
			}
		}
	}

	private ChunkReceipt send(String owner, String identifier, String name, ChunkLayout layout, int number,
			byte[] file) {
		int start = (int) layout.start(number);
		return this.service.write(owner, UploadProtocol.RESUMABLE, chunk(identifier, name, layout, number),
				new ByteArrayInputStream(file, start, (int) layout.length(number)));
	}

	private static NumberedChunk chunk(String identifier, String name, ChunkLayout layout, int number) {
		return new NumberedChunk(identifier, name, layout, number, layout.length(number));
	}

	private byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	static final class CountingInputStream extends InputStream {

		private final ByteArrayInputStream in;

		volatile int read;

		CountingInputStream(byte[] bytes) {
			this.in = new ByteArrayInputStream(bytes);
		}

		@Override
		public int read() {
			int b = this.in.read();
			if (b >= 0) {
				this.read++;
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			int n = this.in.read(buffer, offset, length);
			if (n > 0) {
				this.read += n;
			}
			return n;
		}

	}

}
