package dev.chunkedupload.storage;

/**
 * There is no stored object under the given key.
 */
public class StoredObjectNotFoundException extends StorageException {

	public StoredObjectNotFoundException(String key) {
		super("No stored object " + key);
	}

}
