package dev.chunkedupload.upload;

/**
 * Who asks: uploads belong to their creator, and only administrators may see other
 * people's uploads through the protocol-neutral API.
 *
 * @param name the user name
 * @param admin whether the caller is an administrator
 */
public record Caller(String name, boolean admin) {

	boolean canSee(Upload upload) {
		return this.admin || upload.isOwnedBy(this.name);
	}

}
