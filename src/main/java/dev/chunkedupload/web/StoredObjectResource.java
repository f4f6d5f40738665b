package dev.chunkedupload.web;

import java.io.InputStream;

import dev.chunkedupload.storage.StoredObject;

import org.springframework.core.io.AbstractResource;

/**
 * Lets Spring MVC stream a stored object, and serve Range requests from it, without
 * knowing the store. Used by every page or API that hands a stored file back.
 */
public final class StoredObjectResource extends AbstractResource {

	private final StoredObject object;

	private final String filename;

	/**
	 * Wrap a stored object.
	 * @param object the stored bytes
	 * @param filename the sanitised client file name, for descriptions only
	 */
	public StoredObjectResource(StoredObject object, String filename) {
		this.object = object;
		this.filename = filename;
	}

	@Override
	public InputStream getInputStream() {
		return this.object.openStream(0);
	}

	@Override
	public long contentLength() {
		return this.object.size();
	}

	@Override
	public boolean exists() {
		return true;
	}

	@Override
	public String getFilename() {
		return this.filename;
	}

	@Override
	public String getDescription() {
		return "stored file " + this.filename;
	}

}
