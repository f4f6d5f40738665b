package dev.chunkedupload.upload;

import dev.chunkedupload.testsupport.PostgresTestDatabase;

/**
 * Numbered chunks through {@link ParallelUploadService} on a real PostgreSQL server.
 */
@PostgresTestDatabase
class ParallelUploadServicePostgresTests extends AbstractParallelUploadServiceTests {

}
