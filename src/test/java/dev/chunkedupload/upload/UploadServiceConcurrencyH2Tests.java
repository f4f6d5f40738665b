package dev.chunkedupload.upload;

import dev.chunkedupload.testsupport.H2TestDatabase;

/**
 * Concurrent writes through {@link UploadService} on H2, the server's default database.
 */
@H2TestDatabase
class UploadServiceConcurrencyH2Tests extends AbstractUploadServiceConcurrencyTests {

}
