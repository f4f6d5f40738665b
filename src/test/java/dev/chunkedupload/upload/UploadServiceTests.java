package dev.chunkedupload.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.ChunkStore;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
	UploadLease lease;

	@Autowired
	UploadRepository repository;

	@Autowired
	ChunkStore store;

	@Autowired
	MutableClock clock;

	@Test
	void appendWhenBodyBreaksAndPartialKeptThenBytesThatArrivedAreRecorded() {
		byte[] file = randomBytes(1_000_000, 51);
		Upload upload = this.uploads.start("alice", UploadProtocol.TUS, "f", new Chunk(0, 0L, 1_000_000L, false, true),
				InputStream.nullInputStream());
		assertThatExceptionOfType(ChunkInterruptedException.class).isThrownBy(() -> this.uploads.append("alice",
				upload.getId(), new Chunk(0, null, null, false, true), new BreakingStream(file, 600_000)));
		Upload after = this.repository.findById(upload.getId()).orElseThrow();
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
		Upload upload = start(randomBytes(100, 52));
		UploadLease.Held stale = this.lease.acquire(upload.getId());
		this.clock.advance(Duration.ofSeconds(31));
		try (UploadLease.Held fresh = this.lease.acquire(upload.getId())) {
			assertThatExceptionOfType(UploadBusyException.class).isThrownBy(stale::renewIfDue);
		}
		stale.close();
		assertThat(this.repository.findById(upload.getId()).orElseThrow().getOffset()).isEqualTo(100);
	}

	@Test
	void appendWhenLeaseHeldByAnotherWriterThenBusyAndNothingWritten() {
		Upload upload = start(randomBytes(100, 53));
		try (UploadLease.Held held = this.lease.acquire(upload.getId())) {
			assertThatExceptionOfType(UploadBusyException.class).isThrownBy(() -> this.uploads.append("alice",
					upload.getId(), new Chunk(100, 10L, null, false, false), new ByteArrayInputStream(new byte[10])));
		}
		assertThat(this.store.size(upload.getStorageKey())).isEqualTo(100);
	}

	@Test
	void expireIdleUploadsWhenOneIsBeingWrittenThenLeftForNextRun() {
		Upload busy = start(randomBytes(100, 54));
		Upload idle = start(randomBytes(100, 55));
		this.clock.advance(Duration.ofDays(2));
		try (UploadLease.Held held = this.lease.acquire(busy.getId())) {
			this.uploads.expireIdleUploads(1);
		}
		assertThat(this.repository.findById(idle.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.EXPIRED);
		assertThat(this.store.exists(idle.getStorageKey())).isFalse();
		assertThat(this.repository.findById(busy.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.UPLOADING);
		this.uploads.expireIdleUploads(1);
		assertThat(this.repository.findById(busy.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.EXPIRED);
	}

	@Test
	void completeWhenEarlierCompletionDiedAfterRenameThenRetrySucceeds() throws IOException {
		byte[] file = randomBytes(1000, 56);
		Upload upload = start(file);
		String finalKey = UploadService.storageKey(UploadProperties.DEFAULT_COMPLETE_PATH, upload.getCreatedAt(),
				upload.getId());
		this.store.promote(upload.getStorageKey(), finalKey);
		Upload completed = this.uploads.complete("alice", upload.getId(), md5(file));
		assertThat(completed.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(Files.readAllBytes(dataDir.resolve(finalKey))).isEqualTo(file);
	}

	private Upload start(byte[] file) {
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
