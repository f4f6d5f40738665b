package dev.chunkedupload.upload.model;

/**
 * Who asks: uploads belong to their creator, and only administrators may see other
 * people's uploads through the protocol-neutral API.
 *
 * @param name the user name
 * @param admin whether the caller is an administrator
 */
public record Caller(String name, boolean admin) {

	public boolean canSee(ChunkedUpload upload) {
		return this.admin || upload.isOwnedBy(this.name);
	}

}
