package dev.chunkedupload.upload;

import dev.chunkedupload.testsupport.H2TestDatabase;

/**
 * Numbered chunks through {@link ParallelUploadService} on H2, the server's default
 * database.
 */
@H2TestDatabase
class ParallelUploadServiceH2Tests extends AbstractParallelUploadServiceTests {

}
