package dev.chunkedupload.upload;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.upload.concat.UploadConcatenation;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.ConcatRole;
import dev.chunkedupload.upload.model.NewUpload;
import dev.chunkedupload.upload.model.UploadAdmission;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.model.UploadRepository;
import dev.chunkedupload.upload.numbered.ChunkLayout;
import dev.chunkedupload.upload.numbered.NumberedChunk;
import dev.chunkedupload.upload.numbered.NumberedUploadService;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every place of the core that creates an upload asks the application's
 * {@link UploadAdmission}s first, and a refusal leaves neither a row nor a byte behind.
 */
@SpringBootTest
@Import(UploadAdmissionTests.RefusingAdmission.class)
class UploadAdmissionTests {

	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		dataDir = ServerTestSupport.register(registry);
	}

	@Autowired
	UploadService uploads;

	@Autowired
	NumberedUploadService numbered;

	@Autowired
	UploadConcatenation concatenation;

	@Autowired
	UploadRepository repository;

	@Autowired
	List<NewUpload> asked;

	@BeforeEach
	void forget() {
		this.asked.clear();
	}

	@Test
	void createWhenAdmittedThenTheAdmissionSawWhatTheClientDeclared() {
		ChunkedUpload upload = this.uploads.create("alice", UploadProtocol.TUS,
				new UploadDetails("a.bin", null, "filename YS5iaW4=", null), new Chunk(0, 0L, 10L, false, true),
				InputStream.nullInputStream());
		assertThat(this.repository.findById(upload.getId())).isPresent();
		assertThat(this.asked).singleElement().satisfies((asked) -> {
			assertThat(asked.owner()).isEqualTo("alice");
			assertThat(asked.protocol()).isEqualTo(UploadProtocol.TUS);
			assertThat(asked.declaredLength()).isEqualTo(10L);
			assertThat(asked.details().clientMetadata()).isEqualTo("filename YS5iaW4=");
		});
	}

	@Test
	void createWhenRefusedThenNoRowAndNoFile() {
		long rows = this.repository.count();
		int files = ServerTestSupport.storedFiles(dataDir).size();
		byte[] first = randomBytes(1000, 1);
		assertThatExceptionOfType(InvalidUploadRequestException.class)
			.isThrownBy(() -> this.uploads.start("alice", UploadProtocol.CHUNKED, "refused.bin",
					new Chunk(0, 1000L, 5000L, false, false), new ByteArrayInputStream(first)));
		assertThat(this.repository.count()).isEqualTo(rows);
		assertThat(ServerTestSupport.storedFiles(dataDir)).hasSize(files);
		assertThat(this.asked).singleElement()
			.satisfies((asked) -> assertThat(asked.details().filename()).isEqualTo("refused.bin"));
	}

	@Test
	void numberedChunkWhenRefusedThenNoRowAndNoFile() {
		long rows = this.repository.count();
		int files = ServerTestSupport.storedFiles(dataDir).size();
		ChunkLayout layout = new ChunkLayout(2000, 1000, 2);
		assertThatExceptionOfType(InvalidUploadRequestException.class).isThrownBy(() -> this.numbered.write("alice",
				UploadProtocol.RESUMABLE, new NumberedChunk("id-1", "refused.bin", layout, 2, 1000),
				new ByteArrayInputStream(randomBytes(1000, 2))));
		assertThat(this.repository.count()).isEqualTo(rows);
		assertThat(ServerTestSupport.storedFiles(dataDir)).hasSize(files);
		assertThat(this.asked).singleElement().satisfies((asked) -> {
			assertThat(asked.protocol()).isEqualTo(UploadProtocol.RESUMABLE);
			assertThat(asked.declaredLength()).isEqualTo(2000L);
		});
	}

	@Test
	void finalUploadWhenRefusedThenNoRowAndThePartsStay() {
		ChunkedUpload part = this.uploads.create("alice", UploadProtocol.TUS,
				new UploadDetails(null, null, null, ConcatRole.PARTIAL), new Chunk(0, 3L, 3L, false, true),
				new ByteArrayInputStream(new byte[] { 1, 2, 3 }));
		long rows = this.repository.count();
		this.asked.clear();
		assertThatExceptionOfType(InvalidUploadRequestException.class)
			.isThrownBy(() -> this.concatenation.createFinal("alice", UploadProtocol.TUS,
					new UploadDetails("refused.bin", null, null, null), List.of(part.getId(), part.getId())));
		assertThat(this.repository.count()).isEqualTo(rows);
		assertThat(this.asked).singleElement().satisfies((asked) -> {
			assertThat(asked.declaredLength()).isEqualTo(6L);
			assertThat(asked.details().concatRole()).isEqualTo(ConcatRole.FINAL);
		});
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RefusingAdmission {

		@Bean
		List<NewUpload> asked() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		UploadAdmission refusingNamedRefused(List<NewUpload> asked) {
			return (upload) -> {
				asked.add(upload);
				if ("refused.bin".equals(upload.details().filename())) {
					throw new InvalidUploadRequestException("Refused by the test");
				}
			};
		}

	}

}
