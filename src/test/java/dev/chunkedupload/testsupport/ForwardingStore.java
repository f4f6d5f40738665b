package dev.chunkedupload.testsupport;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.UploadStore;

/**
 * A store that hands every call to a real one, so that a test store overrides only the
 * calls it changes. The interface's default methods are forwarded too: a wrapped S3 store
 * keeps its own session keys, downloads and sweep.
 */
public abstract class ForwardingStore implements UploadStore, AutoCloseable {

	protected final UploadStore store;

	protected ForwardingStore(UploadStore store) {
		this.store = store;
	}

	@Override
	public Set<StoreCapability> capabilities() {
		return this.store.capabilities();
	}

	@Override
	public String sessionKey(String partialKey, String finalKey) {
		return this.store.sessionKey(partialKey, finalKey);
	}

	@Override
	public void begin(String key) {
		this.store.begin(key);
	}

	@Override
	public PieceWriter append(String key, long offset) {
		return this.store.append(key, offset);
	}

	@Override
	public void discardAfter(String key, long offset) {
		this.store.discardAfter(key, offset);
	}

	@Override
	public PieceWriter writeAt(String key, long position) {
		return this.store.writeAt(key, position);
	}

	@Override
	public InputStream readUnfinished(String key, long position) {
		return this.store.readUnfinished(key, position);
	}

	@Override
	public long concatenate(String key, long offset, List<String> sources) {
		return this.store.concatenate(key, offset, sources);
	}

	@Override
	public boolean canConcatenate(long offset, List<Long> sizes) {
		return this.store.canConcatenate(offset, sizes);
	}

	@Override
	public void complete(String key, long length, String finalKey) {
		this.store.complete(key, length, finalKey);
	}

	@Override
	public void abort(String key) {
		this.store.abort(key);
	}

	@Override
	public StoredObject open(String key) {
		return this.store.open(key);
	}

	@Override
	public Optional<URI> downloadUrl(String key, String filename, String contentType) {
		return this.store.downloadUrl(key, filename, contentType);
	}

	@Override
	public void delete(String key) {
		this.store.delete(key);
	}

	@Override
	public void move(String source, String target) {
		this.store.move(source, target);
	}

	@Override
	public int sweepOrphans(Instant olderThan) {
		return this.store.sweepOrphans(olderThan);
	}

	@Override
	public long size(String key) {
		return this.store.size(key);
	}

	@Override
	public boolean exists(String key) {
		return this.store.exists(key);
	}

	@Override
	public void close() throws Exception {
		if (this.store instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}
