package dev.chunkedupload.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;
import dev.chunkedupload.upload.error.ChunkInterruptedException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.lease.LocalLeases;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadProperties;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The core without HTTP: the edges of the write path that a protocol test cannot reach
 * easily (interrupted bodies, lapsed leases, a completion that died half way).
 */
@SpringBootTest(properties = "chunked-upload.lease-duration=30s")
@Import(TestClockConfiguration.class)
class UploadServiceTests {

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@Autowired
	UploadService uploads;

	@Autowired
	Leases lease;

	@Autowired
	UploadSweeper sweeper;

	@Autowired
	UploadRepository repository;

	@Autowired
	UploadStore store;

	@Autowired
	MutableClock clock;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void appendWhenBodyBreaksAndPartialKeptThenBytesThatArrivedAreRecorded() {
		byte[] file = randomBytes(1_000_000, 51);
		ChunkedUpload upload = this.uploads.start("alice", UploadProtocol.TUS, "f",
				new Chunk(0, 0L, 1_000_000L, false, true), InputStream.nullInputStream());
		assertThatExceptionOfType(ChunkInterruptedException.class).isThrownBy(() -> this.uploads.append("alice",
				upload.getId(), new Chunk(0, null, null, false, true), new BreakingStream(file, 600_000)));
		ChunkedUpload after = this.repository.findById(upload.getId()).orElseThrow();
		// every byte that arrived, also those of the read buffer the break cut short
		assertThat(after.getOffset()).isEqualTo(600_000);
		assertThat(this.store.size(after.getStorageKey())).isEqualTo(after.getOffset());
		int kept = (int) after.getOffset();
		this.uploads.append("alice", upload.getId(), new Chunk(kept, null, null, true, true),
				new ByteArrayInputStream(file, kept, file.length - kept));
		assertThat(this.uploads.complete("alice", upload.getId(), md5(file)).getMd5()).contains(md5(file));
	}

	@Test
	void startWhenBodyBreaksAndPartialDiscardedThenNoRowAndNoFile() throws IOException {
		long filesBefore = ServerTestSupport.storedFiles(dataDir).size();
		long rowsBefore = this.repository.count();
		assertThatExceptionOfType(ChunkInterruptedException.class).isThrownBy(() -> this.uploads.start("alice",
				UploadProtocol.CHUNKED, "f", new Chunk(0, 1_000_000L, 1_000_000L, true, false),
				new BreakingStream(new byte[1_000_000], 500_000)));
		assertThat(this.repository.count()).isEqualTo(rowsBefore);
		assertThat(ServerTestSupport.storedFiles(dataDir)).hasSize((int) filesBefore);
	}

	@Test
	void recordWhenLeaseLapsedAndTakenOverThenChunkNotRecorded() {
		ChunkedUpload upload = start(randomBytes(100, 52));
		Lease stale = this.lease.acquire(upload.getId());
		this.clock.advance(Duration.ofSeconds(31));
		try (Lease fresh = this.lease.acquire(upload.getId())) {
			assertThatExceptionOfType(UploadBusyException.class).isThrownBy(stale::renewIfDue);
		}
		stale.close();
		assertThat(this.repository.findById(upload.getId()).orElseThrow().getOffset()).isEqualTo(100);
	}

	@Test
	void appendWhenLeaseHeldByAnotherWriterThenBusyAndNothingWritten() {
		ChunkedUpload upload = start(randomBytes(100, 53));
		try (Lease held = this.lease.acquire(upload.getId())) {
			assertThatExceptionOfType(UploadBusyException.class).isThrownBy(() -> this.uploads.append("alice",
					upload.getId(), new Chunk(100, 10L, null, false, false), new ByteArrayInputStream(new byte[10])));
		}
		assertThat(this.store.size(upload.getStorageKey())).isEqualTo(100);
	}

	@Test
	void expireIdleUploadsWhenOneIsBeingWrittenThenLeftForNextRun() {
		ChunkedUpload busy = start(randomBytes(100, 54));
		ChunkedUpload idle = start(randomBytes(100, 55));
		this.clock.advance(Duration.ofDays(2));
		try (Lease held = this.lease.acquire(busy.getId())) {
			this.sweeper.expireIdleUploads(1);
		}
		assertThat(this.repository.findById(idle.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.EXPIRED);
		assertThat(this.store.exists(idle.getStorageKey())).isFalse();
		assertThat(this.repository.findById(busy.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.UPLOADING);
		this.sweeper.expireIdleUploads(1);
		assertThat(this.repository.findById(busy.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.EXPIRED);
	}

	@Test
	void completeWhenEarlierCompletionDiedAfterRenameThenRetrySucceeds() throws IOException {
		byte[] file = randomBytes(1000, 56);
		ChunkedUpload upload = start(file);
		String finalKey = UploadProperties.storageKey(UploadProperties.DEFAULT_COMPLETE_PATH, upload.getCreatedAt(),
				upload.getId());
		this.store.move(upload.getStorageKey(), finalKey);
		ChunkedUpload completed = this.uploads.complete("alice", upload.getId(), md5(file));
		assertThat(completed.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(Files.readAllBytes(dataDir.resolve(finalKey))).isEqualTo(file);
	}

	@Test
	void appendWhenChainedFromReturnedCopiesThenEachCopyIsTheRow() {
		byte[] file = randomBytes(300_000, 57);
		ChunkedUpload upload = this.uploads.start("alice", UploadProtocol.TUS, "f", new Chunk(0, 0L, null, false, true),
				InputStream.nullInputStream());
		ChunkedUpload copy = this.uploads.getOwn("alice", upload.getId());
		Instant before = this.clock.instant();
		for (int start = 0; start < file.length; start += 100_000) {
			this.clock.advance(Duration.ofSeconds(1));
			boolean last = start + 100_000 == file.length;
			copy = this.uploads.append(copy, new Chunk(start, null, null, last, false),
					new ByteArrayInputStream(file, start, 100_000));
			// written by one statement from the copy: every column as the copy says (the
			// database keeps microseconds, rounded)
			assertThat(copy).usingRecursiveComparison()
				.withComparatorForType(UploadServiceTests::sameMicrosecond, Instant.class)
				.isEqualTo(this.repository.findById(upload.getId()).orElseThrow());
		}
		assertThat(copy.getTotalLength()).contains((long) file.length);
		assertThat(copy.getLastActivityAt()).isAfter(before.plusSeconds(2)).isBeforeOrEqualTo(this.clock.instant());
		assertThat(this.uploads.complete("alice", upload.getId(), md5(file)).getMd5()).contains(md5(file));
	}

	@Test
	void appendWhenCopyIsOutdatedThenRowLoadedAgainAndChunkRecorded() {
		byte[] file = randomBytes(200, 58);
		ChunkedUpload upload = startHalf(file);
		ChunkedUpload outdated = this.uploads.getOwn("alice", upload.getId());
		// another request took and released the lease: same bytes, a newer version
		this.lease.acquire(upload.getId()).close();
		ChunkedUpload appended = this.uploads.append(outdated, new Chunk(100, 100L, 200L, true, false),
				new ByteArrayInputStream(file, 100, 100));
		assertThat(appended.getOffset()).isEqualTo(200);
		assertThat(appended.getVersion())
			.isEqualTo(this.repository.findById(upload.getId()).orElseThrow().getVersion());
		assertThat(this.uploads.complete("alice", upload.getId(), md5(file)).getMd5()).contains(md5(file));
	}

	@Test
	void appendWhenLeaseTakenOverWhileBytesFlowThenBusyAndNothingRecorded() {
		byte[] file = randomBytes(200, 59);
		ChunkedUpload upload = startHalf(file);
		InputStream takenOver = new ByteArrayInputStream(file, 100, 100) {

			@Override
			public synchronized int read(byte[] buffer, int offset, int length) {
				if (this.pos == 100) {
					UploadServiceTests.this.clock.advance(Duration.ofSeconds(31));
					UploadServiceTests.this.lease.acquire(upload.getId());
				}
				return super.read(buffer, offset, length);
			}

		};
		assertThatExceptionOfType(UploadBusyException.class).isThrownBy(
				() -> this.uploads.append("alice", upload.getId(), new Chunk(100, 100L, 200L, true, false), takenOver));
		assertThat(this.repository.findById(upload.getId()).orElseThrow().getOffset()).isEqualTo(100);
		assertThat(this.store.size(upload.getStorageKey())).isEqualTo(100);
	}

	@Test
	void appendWhenEmbeddedDatabaseThenChunkLeaseInMemoryAndOneWrite() {
		byte[] file = randomBytes(200, 62);
		ChunkedUpload upload = startHalf(file);
		long version = this.repository.findById(upload.getId()).orElseThrow().getVersion();
		List<String> seen = new ArrayList<>();
		InputStream watched = new ByteArrayInputStream(file, 100, 100) {

			@Override
			public synchronized int read(byte[] buffer, int offset, int length) {
				if (this.pos == 100) {
					ChunkedUpload row = UploadServiceTests.this.repository.findById(upload.getId()).orElseThrow();
					seen.add("row leased " + row.isLeasedAt(UploadServiceTests.this.clock.instant()) + ", version "
							+ row.getVersion());
					seen.add("in memory " + LocalLeases.takenInThisJvm(upload.getId()));
					try (Lease other = UploadServiceTests.this.lease.acquire(upload.getId())) {
						seen.add("another taker got it");
					}
					catch (UploadBusyException ex) {
						seen.add("busy for another taker");
					}
				}
				return super.read(buffer, offset, length);
			}

		};
		ChunkedUpload appended = this.uploads.append("alice", upload.getId(), new Chunk(100, 100L, 200L, true, false),
				watched);
		assertThat(seen).containsExactly("row leased false, version " + version, "in memory true",
				"busy for another taker");
		assertThat(appended.getOffset()).isEqualTo(200);
		assertThat(this.repository.findById(upload.getId()).orElseThrow().getVersion()).as("one write: the record")
			.isEqualTo(version + 1);
		assertThat(LocalLeases.takenInThisJvm(upload.getId())).isFalse();
	}

	@Test
	void appendWhenRowLeasedBeforeThisProcessStartedThenBusyUntilItLapses() {
		byte[] file = randomBytes(200, 63);
		ChunkedUpload upload = startHalf(file);
		// A holder of the row's lease that this process does not know of, not lapsed.
		this.jdbc.update("update upload set lease_owner = 'earlier', lease_until = ? where upload_id = ?",
				Timestamp.from(this.clock.instant().plusSeconds(30)), upload.getId());
		assertThatExceptionOfType(UploadBusyException.class).isThrownBy(() -> this.uploads.append("alice",
				upload.getId(), new Chunk(100, 100L, 200L, true, false), new ByteArrayInputStream(file, 100, 100)));
		assertThat(this.store.size(upload.getStorageKey())).isEqualTo(100);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.uploads
			.append("alice", upload.getId(), new Chunk(100, 100L, 200L, true, false),
					new ByteArrayInputStream(file, 100, 100))
			.getOffset()).isEqualTo(200);
		assertThat(this.uploads.complete("alice", upload.getId(), md5(file)).getMd5()).contains(md5(file));
	}

	@Test
	void getOwnWhenNoTransactionThenCopyWithEveryColumnOfTheRow() {
		ChunkedUpload upload = startHalf(randomBytes(200, 61));
		ChunkedUpload read = this.uploads.getOwn("alice", upload.getId());
		ChunkedUpload row = this.repository.findById(upload.getId()).orElseThrow();
		assertThat(read).usingRecursiveComparison()
			.withComparatorForType(UploadServiceTests::sameMicrosecond, Instant.class)
			.isEqualTo(row);
	}

	@Test
	void getOwnWhenInsideTransactionThenTheCopyTheTransactionManages() {
		ChunkedUpload upload = startHalf(randomBytes(200, 62));
		this.transaction.executeWithoutResult((status) -> {
			ChunkedUpload managed = this.repository.findById(upload.getId()).orElseThrow();
			assertThat(this.uploads.getOwn("alice", upload.getId())).isSameAs(managed);
		});
	}

	private static int sameMicrosecond(Instant a, Instant b) {
		return (Duration.between(a, b).abs().toNanos() < 1000) ? 0 : a.compareTo(b);
	}

	private ChunkedUpload startHalf(byte[] file) {
		int half = file.length / 2;
		return this.uploads.start("alice", UploadProtocol.CHUNKED, "f",
				new Chunk(0, (long) half, (long) file.length, false, false), new ByteArrayInputStream(file, 0, half));
	}

	private ChunkedUpload start(byte[] file) {
		return this.uploads.start("alice", UploadProtocol.CHUNKED, "f",
				new Chunk(0, (long) file.length, (long) file.length, true, false), new ByteArrayInputStream(file));
	}

	/**
	 * Delivers the first {@code breakAt} bytes, then fails as a dropped connection does.
	 */
	private static final class BreakingStream extends InputStream {

		private final ByteArrayInputStream bytes;

		private int remaining;

		BreakingStream(byte[] data, int breakAt) {
			this.bytes = new ByteArrayInputStream(data);
			this.remaining = breakAt;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.remaining == 0) {
				throw new IOException("connection reset");
			}
			int n = this.bytes.read(buffer, offset, Math.min(length, this.remaining));
			this.remaining -= n;
			return n;
		}

	}

}
