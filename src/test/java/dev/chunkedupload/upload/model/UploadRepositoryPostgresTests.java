package dev.chunkedupload.upload.model;

import dev.chunkedupload.testsupport.PostgresTestDatabase;

/**
 * {@link UploadRepository} on a real PostgreSQL server.
 */
@PostgresTestDatabase
class UploadRepositoryPostgresTests extends AbstractUploadRepositoryTests {

	@Override
	String expectedDatabaseProductName() {
		return "PostgreSQL";
	}

}
