package dev.chunkedupload.testsupport;

import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.StoredObject;
import dev.chunkedupload.storage.UploadStore;

/**
 * A real store that declares only some of its capabilities and refuses the others, as an
 * object store would: the core's ways around a missing capability run against real bytes
 * on a real file system.
 */
public final class LimitedStore implements UploadStore, AutoCloseable {

	private final UploadStore store;

	private final Set<StoreCapability> capabilities;

	public LimitedStore(UploadStore store, Set<StoreCapability> capabilities) {
		this.store = store;
		this.capabilities = capabilities.isEmpty() ? EnumSet.noneOf(StoreCapability.class)
				: EnumSet.copyOf(capabilities);
	}

	@Override
	public Set<StoreCapability> capabilities() {
		return this.capabilities;
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
		require(StoreCapability.WRITE_AT);
		return this.store.writeAt(key, position);
	}

	@Override
	public InputStream readUnfinished(String key, long position) {
		require(StoreCapability.READ_UNFINISHED);
		return this.store.readUnfinished(key, position);
	}

	@Override
	public long concatenate(String key, long offset, List<String> sources) {
		require(StoreCapability.CONCATENATE);
		return this.store.concatenate(key, offset, sources);
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
	public void delete(String key) {
		this.store.delete(key);
	}

	@Override
	public void move(String source, String target) {
		require(StoreCapability.MOVE);
		this.store.move(source, target);
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

	private void require(StoreCapability capability) {
		if (!this.capabilities.contains(capability)) {
			throw new UnsupportedOperationException(capability + " is not one of this store's capabilities");
		}
	}

}
