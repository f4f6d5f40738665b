package dev.chunkedupload.storage.filesystem;

import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.storage.AbstractUploadStoreContractTests;
import dev.chunkedupload.storage.UploadStore;
import dev.chunkedupload.testsupport.LimitedStore;

/**
 * The store contract for a store without any capability (the file-system store with all
 * of them hidden), so that the contract's checks of refused capabilities run too.
 */
class CapabilityFreeStoreContractTests extends AbstractUploadStoreContractTests {

	@TempDir
	Path root;

	@Override
	protected UploadStore createStore() {
		return new LimitedStore(new FileSystemUploadStore(this.root, true, 4 * 1024 * 1024, 8192), Set.of());
	}

	@Override
	protected UploadStore reopenStore() {
		return createStore();
	}

}
