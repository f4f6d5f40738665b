package dev.chunkedupload.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.chunkedupload.faults.TwoPieceUpload.Protocol;
import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.storage.filesystem.FileSystemUploadStore;
import dev.chunkedupload.testsupport.FaultyStore;
import dev.chunkedupload.testsupport.FaultyStore.Fault;
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
 * The store fails with an I/O error (EIO) while a chunk is written, when it is made
 * durable, or when the completed upload is renamed into place: each protocol answers 503
 * with {@code Retry-After}, nothing unacknowledged counts, and the client's ordinary
 * retry finishes the upload with the right bytes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "chunked-upload.sweep-interval=1h")
@Import(StorageFaultsIntegrationTests.Store.class)
@DirtiesContext
class StorageFaultsIntegrationTests {

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	FaultyStore store;

	HttpTestClient alice;

	@BeforeEach
	void client() {
		this.alice = new HttpTestClient(this.port, "alice");
		this.store.clearFaults();
	}

	static Stream<Arguments> faults() {
		return Stream.of(Protocol.values())
			.flatMap((protocol) -> Stream.of(Fault.values()).map((fault) -> Arguments.of(protocol, fault)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("faults")
	void chunkWhenStoreFailsThen503AndUploadConsistentAndRetryCompletes(Protocol protocol, Fault fault)
			throws Exception {
		byte[] file = randomBytes(600_000, 10L * protocol.ordinal() + fault.ordinal());
		TwoPieceUpload upload = new TwoPieceUpload(this.alice, protocol, file);
		upload.sendFirst();
		this.store.failNext(fault, new IOException("Input/output error"));

		Response failed = upload.sendSecond();
		if (fault == Fault.RENAME && protocol == Protocol.CHUNKED) {
			// The chunk is stored; the rename belongs to the completion request.
			assertThat(failed.status()).as(failed.text()).isEqualTo(200);
			failed = this.alice.complete(upload.id(), ServerTestSupport.md5(file));
		}

		assertThat(failed.status()).as(failed.text()).isEqualTo(503);
		assertThat(failed.contentType()).startsWith("application/problem+json");
		assertThat(failed.json().get("type").asString()).isEqualTo("/problems/storage-unavailable");
		assertThat(failed.header("Retry-After")).isNotNull();
		if (fault != Fault.RENAME) {
			assertThat(upload.acknowledged()).isEqualTo(upload.half());
			if (protocol != Protocol.RESUMABLE) {
				assertThat(Files.size(partFile(upload.id()))).isEqualTo(upload.half());
			}
		}
		assertThat(this.alice.get("/api/uploads/" + upload.id()).json().get("status").asString()).isIn("uploading",
				"complete");

		upload.resume();
		upload.assertCompletes();
	}

	private static Path partFile(String id) {
		return ServerTestSupport.storedFiles(dataDir)
			.stream()
			.filter((path) -> path.getFileName().toString().equals(id + ".part"))
			.findFirst()
			.orElseThrow();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Store {

		@Bean
		@Primary
		FaultyStore faultyStore(StorageProperties properties) {
			StorageProperties.Filesystem settings = properties.filesystem();
			return new FaultyStore(new FileSystemUploadStore(settings.root(), settings.fsync(),
					settings.flushEvery().toBytes(), Math.toIntExact(settings.directIoBuffer().toBytes())));
		}

	}

}
