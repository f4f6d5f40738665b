package dev.chunkedupload.upload.model;

/**
 * An upload about to be created, as the core knows it before anything of it is stored:
 * what an {@link UploadAdmission} decides on.
 *
 * @param owner the user who creates it
 * @param protocol the protocol that creates it
 * @param details what the client says about it (the file name as the client sent it)
 * @param declaredLength the total length the client declared, or {@code null} if it is
 * not known yet
 */
public record NewUpload(String owner, UploadProtocol protocol, UploadDetails details, Long declaredLength) {

}
