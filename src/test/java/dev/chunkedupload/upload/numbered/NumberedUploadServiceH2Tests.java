package dev.chunkedupload.upload.numbered;

import dev.chunkedupload.testsupport.H2TestDatabase;

/**
 * Numbered chunks through {@link NumberedUploadService} on H2, the server's default
 * database.
 */
@H2TestDatabase
class NumberedUploadServiceH2Tests extends AbstractNumberedUploadServiceTests {

}
