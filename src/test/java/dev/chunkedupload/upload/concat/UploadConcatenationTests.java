package dev.chunkedupload.upload.concat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.StorageException;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.attach.UploadAttachments;
import dev.chunkedupload.upload.error.InvalidConcatenationException;
import dev.chunkedupload.upload.error.UploadBusyException;
import dev.chunkedupload.upload.lease.Lease;
import dev.chunkedupload.upload.lease.Leases;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.ConcatRole;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.model.UploadStatus;

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
 * Final uploads built from partial ones, in the core: the edges a protocol test does not
 * reach (a part's bytes lost on disk, a completion that died after the bytes were
 * recorded, a part taken away, a writer holding a part).
 */
@SpringBootTest
@Import(TestClockConfiguration.class)
class UploadConcatenationTests {

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@Autowired
	UploadService uploads;

	@Autowired
	UploadConcatenation concatenation;

	@Autowired
	Leases lease;

	@Autowired
	UploadRepository repository;

	@Autowired
	UploadStore store;

	@Autowired
	UploadAttachments attachments;

	@Test
	void assembleWhenPartsCompleteThenOneFileWithTheirBytesAndMd5AndPartsDeleted() {
		byte[] a = randomBytes(300_000, 1);
		byte[] b = randomBytes(200_000, 2);
		ChunkedUpload partA = completePart(a);
		ChunkedUpload partB = completePart(b);
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS,
				new UploadDetails("joined.bin", "application/pdf", null, null), List.of(partA.getId(), partB.getId()));
		assertThat(created.getConcatRole()).contains(ConcatRole.FINAL);
		assertThat(created.getTotalLength()).contains(500_000L);
		assertThat(created.getContentType()).contains("application/pdf");

		ChunkedUpload done = this.concatenation.assembleIfReady("alice", created.getId());

		byte[] whole = concat(a, b);
		assertThat(done.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(done.getMd5()).contains(md5(whole));
		assertThat(read(done)).isEqualTo(whole);
		for (ChunkedUpload part : List.of(partA, partB)) {
			ChunkedUpload after = this.repository.findById(part.getId()).orElseThrow();
			assertThat(after.getStatus()).isEqualTo(UploadStatus.ABORTED);
			assertThat(this.store.exists(after.getStorageKey())).isFalse();
		}
		assertThat(this.concatenation.assembleIfReady("alice", created.getId()).getMd5()).contains(md5(whole));
	}

	@Test
	void assembleWhenAPartWasAttachedToARecordThenItsFileStaysTheRecords() throws IOException {
		byte[] a = randomBytes(20_000, 9);
		byte[] b = randomBytes(30_000, 10);
		ChunkedUpload partA = completePart(a);
		ChunkedUpload partB = completePart(b);
		ChunkedUpload attached = this.attachments.attach("alice", partA.getId(), "records/{upload_id}", "record:1");
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS, details(),
				List.of(partA.getId(), partB.getId()));
		ChunkedUpload done = this.concatenation.assembleIfReady("alice", created.getId());
		assertThat(read(done)).isEqualTo(concat(a, b));
		assertThat(Files.readAllBytes(dataDir.resolve(attached.getStorageKey()))).isEqualTo(a);
		assertThat(this.repository.findById(partA.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(this.repository.findById(partB.getId()).orElseThrow().getStatus()).isEqualTo(UploadStatus.ABORTED);
	}

	@Test
	void assembleWhenAPartIsStillUploadingThenLeftAsItIs() {
		ChunkedUpload done = completePart(randomBytes(1000, 3));
		ChunkedUpload open = this.uploads.create("alice", UploadProtocol.TUS, partial(),
				new Chunk(0, 10L, 2000L, false, true), new ByteArrayInputStream(new byte[10]));
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS, details(),
				List.of(done.getId(), open.getId()));
		ChunkedUpload after = this.concatenation.assembleIfReady("alice", created.getId());
		assertThat(after.getStatus()).isEqualTo(UploadStatus.UPLOADING);
		assertThat(after.getOffset()).isZero();
		assertThat(this.concatenation.finalsWaitingFor(open.getId())).containsExactly(created.getId());
	}

	@Test
	void assembleWhenAPartsStoredBytesAreShortThenStorageFailureAndFinalUntouched() throws IOException {
		byte[] a = randomBytes(100_000, 4);
		ChunkedUpload partA = completePart(a);
		ChunkedUpload partB = completePart(randomBytes(100_000, 5));
		Path stored = dataDir.resolve(this.repository.findById(partB.getId()).orElseThrow().getStorageKey());
		try (var channel = Files.newByteChannel(stored, StandardOpenOption.WRITE)) {
			channel.truncate(50_000);
		}
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS, details(),
				List.of(partA.getId(), partB.getId()));
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.concatenation.assembleIfReady("alice", created.getId()));
		ChunkedUpload after = this.repository.findById(created.getId()).orElseThrow();
		assertThat(after.getStatus()).isEqualTo(UploadStatus.UPLOADING);
		assertThat(after.getOffset()).isZero();
		assertThat(this.store.size(after.getStorageKey())).as("cut back").isZero();
		assertThat(this.repository.findById(partA.getId()).orElseThrow().getStatus())
			.as("parts are kept when assembly fails")
			.isEqualTo(UploadStatus.COMPLETE);
	}

	@Test
	void assembleWhenCompletionDiedAfterTheBytesWereRecordedThenOnlyCompleted() throws IOException {
		byte[] a = randomBytes(10_000, 6);
		ChunkedUpload part = completePart(a);
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS, details(),
				List.of(part.getId()));
		// What an assembly leaves when its server dies between recording and completing
		ChunkedUpload recorded = this.uploads.append("alice", created.getId(), new Chunk(0, null, null, true, false),
				new ByteArrayInputStream(a));
		assertThat(recorded.getOffset()).isEqualTo(10_000);
		// Emptied, so a second copy would fail: the retry must not copy again
		Path partFile = dataDir.resolve(this.repository.findById(part.getId()).orElseThrow().getStorageKey());
		Files.write(partFile, new byte[0]);

		ChunkedUpload done = this.concatenation.assembleIfReady("alice", created.getId());
		assertThat(done.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(done.getMd5()).contains(md5(a));
		assertThat(read(done)).isEqualTo(a);
	}

	@Test
	void assembleWhenAPartIsBeingWrittenThenBusyAndNothingChanged() {
		ChunkedUpload part = completePart(randomBytes(1000, 7));
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS, details(),
				List.of(part.getId()));
		try (Lease held = this.lease.acquire(part.getId())) {
			assertThatExceptionOfType(UploadBusyException.class)
				.isThrownBy(() -> this.concatenation.assembleIfReady("alice", created.getId()));
		}
		assertThat(this.repository.findById(created.getId()).orElseThrow().getOffset()).isZero();
		assertThat(this.concatenation.assembleIfReady("alice", created.getId()).getStatus())
			.isEqualTo(UploadStatus.COMPLETE);
	}

	@Test
	void assembleWhenAPartWasDeletedThenInvalidAndFinalNeverCompletes() {
		ChunkedUpload part = completePart(randomBytes(1000, 8));
		ChunkedUpload created = this.concatenation.createFinal("alice", UploadProtocol.TUS, details(),
				List.of(part.getId()));
		this.uploads.delete(new Caller("alice", false), part.getId());
		assertThatExceptionOfType(InvalidConcatenationException.class)
			.isThrownBy(() -> this.concatenation.assembleIfReady("alice", created.getId()));
		assertThat(this.repository.findById(created.getId()).orElseThrow().getStatus())
			.isEqualTo(UploadStatus.UPLOADING);
	}

	@Test
	void createFinalWhenPartsAreNotPartialOrNotTheCallersThenInvalidAndNothingCreated() {
		ChunkedUpload ordinary = this.uploads.create("alice", UploadProtocol.TUS, details(),
				new Chunk(0, 10L, 10L, false, true), new ByteArrayInputStream(new byte[10]));
		ChunkedUpload bobs = this.uploads.create("bob", UploadProtocol.TUS, partial(),
				new Chunk(0, 10L, 10L, false, true), new ByteArrayInputStream(new byte[10]));
		long before = this.repository.count();
		for (List<String> parts : List.of(List.of(ordinary.getId()), List.of(bobs.getId()), List.<String>of())) {
			assertThatExceptionOfType(InvalidConcatenationException.class)
				.isThrownBy(() -> this.concatenation.createFinal("alice", UploadProtocol.TUS, details(), parts));
		}
		assertThat(this.repository.count()).isEqualTo(before);
	}

	private ChunkedUpload completePart(byte[] bytes) {
		ChunkedUpload part = this.uploads.create("alice", UploadProtocol.TUS, partial(),
				new Chunk(0, null, (long) bytes.length, false, true), new ByteArrayInputStream(bytes));
		return this.uploads.complete("alice", part.getId(), null);
	}

	private byte[] read(ChunkedUpload upload) {
		try (InputStream in = this.uploads.content(new Caller("alice", false), upload.getId()).object().openStream(0)) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	private static UploadDetails partial() {
		return new UploadDetails(null, null, null, ConcatRole.PARTIAL);
	}

	private static UploadDetails details() {
		return new UploadDetails("f.bin", null, null, null);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

}
