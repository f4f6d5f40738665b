package dev.chunkedupload.upload.numbered;

import dev.chunkedupload.testsupport.PostgresTestDatabase;

/**
 * Numbered chunks through {@link NumberedUploadService} on a real PostgreSQL server.
 */
@PostgresTestDatabase
class NumberedUploadServicePostgresTests extends AbstractNumberedUploadServiceTests {

}
