package dev.chunkedupload.storage.filesystem;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.storage.AbstractUploadStoreContractTests;
import dev.chunkedupload.storage.UploadStore;

/**
 * The store contract for the file-system store, with {@code O_DIRECT} appends and fsync,
 * as it runs in production.
 */
class FileSystemUploadStoreContractTests extends AbstractUploadStoreContractTests {

	@TempDir
	Path root;

	@Override
	protected UploadStore createStore() {
		return new FileSystemUploadStore(this.root, true, 4 * 1024 * 1024, 8192);
	}

	@Override
	protected UploadStore reopenStore() {
		return createStore();
	}

}
