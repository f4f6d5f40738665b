package dev.chunkedupload.upload;

import dev.chunkedupload.testsupport.PostgresTestDatabase;

/**
 * Concurrent writes through {@link UploadService} on a real PostgreSQL server.
 */
@PostgresTestDatabase
class UploadServiceConcurrencyPostgresTests extends AbstractUploadServiceConcurrencyTests {

}
