package dev.chunkedupload.upload.numbered;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.storage.StorageProperties;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.storage.filesystem.FileSystemUploadStore;
import dev.chunkedupload.testsupport.H2TestDatabase;
import dev.chunkedupload.testsupport.LimitedStore;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.UploadProtocol;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every numbered-chunk test again on a store that can neither write in place, read an
 * unfinished upload, concatenate nor rename (as an object store): chunks are stored as
 * objects of their own, the MD5 is carried over them, completion joins them by streaming,
 * and attachments copy instead of moving.
 */
@H2TestDatabase
class NumberedUploadServiceWithoutStoreCapabilitiesTests extends AbstractNumberedUploadServiceTests {

	@Autowired
	private NumberedUploadService service;

	@Autowired
	private UploadService uploads;

	@Test
	void writeWhenCompleteOrDeletedThenNoChunkObjectIsLeft() {
		byte[] file = new byte[25_000];
		new Random(5).nextBytes(file);
		ChunkLayout layout = new ChunkLayout(file.length, 10_000, 2);
		ChunkReceipt first = write("done.bin", layout, 2, file);
		String id = first.upload().getId();
		assertThat(chunkObjects(id)).hasSize(1);
		ChunkReceipt last = write("done.bin", layout, 1, file);
		assertThat(last.complete()).isTrue();
		assertThat(last.upload().getMd5()).contains(ServerTestSupport.md5(file));
		assertThat(last.upload().getId()).isEqualTo(id);
		assertThat(chunkObjects(id)).isEmpty();

		ChunkReceipt unfinished = write("gone.bin", layout, 1, file);
		String goneId = unfinished.upload().getId();
		assertThat(chunkObjects(goneId)).hasSize(1);
		this.uploads.delete(new Caller("alice", false), goneId);
		assertThat(chunkObjects(goneId)).isEmpty();
	}

	private ChunkReceipt write(String name, ChunkLayout layout, int number, byte[] file) {
		int start = (int) layout.start(number);
		int length = (int) layout.length(number);
		return this.service.write("alice", UploadProtocol.RESUMABLE,
				new NumberedChunk(name, name, layout, number, length), new ByteArrayInputStream(file, start, length));
	}

	private static List<Path> chunkObjects(String uploadId) {
		return ServerTestSupport.storedFiles(dataDir)
			.stream()
			.map((path) -> path.getFileName().toString())
			.filter((name) -> name.startsWith(uploadId) && name.contains(".chunk-"))
			.map(Path::of)
			.toList();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ObjectStoreLike {

		@Bean
		@Primary
		UploadStore limitedStore(StorageProperties properties) {
			StorageProperties.Filesystem settings = properties.filesystem();
			return new LimitedStore(new FileSystemUploadStore(settings.root(), settings.fsync(),
					settings.flushEvery().toBytes(), Math.toIntExact(settings.directIoBuffer().toBytes())), Set.of());
		}

	}

}
