package dev.chunkedupload.upload.model;

import dev.chunkedupload.testsupport.H2TestDatabase;

/**
 * {@link UploadRepository} on H2, the server's default database.
 */
@H2TestDatabase
class UploadRepositoryH2Tests extends AbstractUploadRepositoryTests {

	@Override
	String expectedDatabaseProductName() {
		return "H2";
	}

}
