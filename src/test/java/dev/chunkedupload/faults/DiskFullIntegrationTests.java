package dev.chunkedupload.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.chunkedupload.faults.TwoPieceUpload.Protocol;
import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.filesystem.FileSystemUploadStore;
import dev.chunkedupload.testsupport.FaultyStore;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device fills up in the middle of a chunk: the store is a 20 MiB tmpfs mounted for
 * this class (the tests run as root; where mounting is refused, the store plays a full
 * device instead and throws the same {@code IOException}), nearly filled with a ballast
 * file. Each protocol answers 507 in its own shape, keeps the upload at the last
 * acknowledged offset with nothing of the failed chunk in the file, and takes the same
 * chunk again once the ballast is deleted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "chunked-upload.sweep-interval=1h")
@Import(DiskFullIntegrationTests.Store.class)
@DirtiesContext
class DiskFullIntegrationTests {

	private static final int FILE = 4 * 1024 * 1024;

	/**
	 * Room left when a test starts: the first half fits, the second breaks off midway.
	 */
	private static final long ROOM = 3 * 1024 * 1024;

	static Path dataDir;

	static boolean mounted;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		ServerTestSupport.register(registry);
		dataDir = ServerTestSupport.newDataDir();
		mounted = run("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", dataDir.toString());
		registry.add("chunked-upload.data-dir", dataDir::toString);
	}

	@AfterAll
	static void unmount() throws Exception {
		if (mounted) {
			// Lazily: the application context of this class may still be closing.
			run("umount", "-l", dataDir.toString());
		}
	}

	@LocalServerPort
	int port;

	@Autowired
	FaultyStore store;

	HttpTestClient alice;

	Path ballast;

	@BeforeEach
	void fillDevice() throws IOException {
		this.alice = new HttpTestClient(this.port, "alice");
		this.store.clearFaults();
		if (!mounted) {
			this.store.limitSpace(ROOM);
			return;
		}
		this.ballast = dataDir.resolve("ballast-" + UUID.randomUUID());
		long size = Files.getFileStore(dataDir).getUsableSpace() - ROOM;
		try (RandomAccessFile file = new RandomAccessFile(this.ballast.toFile(), "rw")) {
			byte[] block = new byte[1 << 20];
			for (long written = 0; written < size; written += block.length) {
				file.write(block, 0, (int) Math.min(block.length, size - written));
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Protocol.class)
	void chunkWhenDeviceFillsMidwayThen507AndKeptOffsetAndResumesOnceSpaceIsFreed(Protocol protocol) throws Exception {
		byte[] file = randomBytes(FILE, protocol.ordinal());
		TwoPieceUpload upload = new TwoPieceUpload(this.alice, protocol, file);
		upload.sendFirst();

		Response full = upload.sendSecond();

		assertThat(full.status()).as(full.text()).isEqualTo(507);
		assertThat(full.contentType()).startsWith("application/problem+json");
		assertThat(full.json().get("type").asString()).isEqualTo("/problems/storage-full");
		assertThat(full.header("Retry-After")).isNotNull();
		assertThat(upload.acknowledged()).isEqualTo(upload.half());
		if (protocol != Protocol.RESUMABLE) {
			// Sequential uploads are cut back to what was acknowledged; numbered chunks
			// are written in place, and a half-written one counts for nothing until its
			// number is recorded.
			assertThat(Files.size(partFile(upload.id()))).isEqualTo(upload.half());
		}

		freeSpace();
		Response resumed = upload.sendSecond();
		assertThat(resumed.status()).as(resumed.text()).isBetween(200, 204);
		upload.assertCompletes();
	}

	private void freeSpace() throws IOException {
		if (mounted) {
			Files.delete(this.ballast);
		}
		else {
			this.store.clearFaults();
		}
	}

	private static Path partFile(String id) {
		return ServerTestSupport.storedFiles(dataDir)
			.stream()
			.filter((path) -> path.getFileName().toString().equals(id + ".part"))
			.findFirst()
			.orElseThrow();
	}

	private static boolean run(String... command) throws Exception {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Store {

		@Bean
		@Primary
		FaultyStore faultyStore(StorageProperties properties) {
			StorageProperties.Filesystem settings = properties.filesystem();
			UploadStore real = new FileSystemUploadStore(settings.root(), settings.fsync(),
					settings.flushEvery().toBytes(), Math.toIntExact(settings.directIoBuffer().toBytes()));
			return new FaultyStore(real);
		}

	}

}
