package dev.chunkedupload.storage.s3;

import org.junit.jupiter.api.AfterEach;

import dev.chunkedupload.storage.AbstractUploadStoreContractTests;
import dev.chunkedupload.storage.UploadStore;

/**
 * The store contract for the S3 store, against an S3 server in the test JVM, with its
 * records in a real database.
 */
class S3UploadStoreContractTests extends AbstractUploadStoreContractTests {

	private S3TestStores stores;

	@Override
	protected UploadStore createStore() {
		try {
			this.stores = new S3TestStores();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return this.stores.store(S3UploadStore.MIN_PART_SIZE);
	}

	@Override
	protected UploadStore reopenStore() {
		return this.stores.store(S3UploadStore.MIN_PART_SIZE);
	}

	@AfterEach
	void stopServer() throws Exception {
		this.stores.close();
	}

}
