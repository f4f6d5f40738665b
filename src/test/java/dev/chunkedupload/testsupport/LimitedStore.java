package dev.chunkedupload.testsupport;

import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.chunkedupload.storage.PieceWriter;
import dev.chunkedupload.storage.StoreCapability;
import dev.chunkedupload.storage.UploadStore;

/**
 * A real store that declares only some of its capabilities and refuses the others, as an
 * object store would: the core's ways around a missing capability run against real bytes
 * on a real file system.
 */
public final class LimitedStore extends ForwardingStore {

	private final Set<StoreCapability> capabilities;

	public LimitedStore(UploadStore store, Set<StoreCapability> capabilities) {
		super(store);
		this.capabilities = capabilities.isEmpty() ? EnumSet.noneOf(StoreCapability.class)
				: EnumSet.copyOf(capabilities);
	}

	@Override
	public Set<StoreCapability> capabilities() {
		return this.capabilities;
	}

	@Override
	public PieceWriter writeAt(String key, long position) {
		require(StoreCapability.WRITE_AT);
		return super.writeAt(key, position);
	}

	@Override
	public InputStream readUnfinished(String key, long position) {
		require(StoreCapability.READ_UNFINISHED);
		return super.readUnfinished(key, position);
	}

	@Override
	public long concatenate(String key, long offset, List<String> sources) {
		require(StoreCapability.CONCATENATE);
		return super.concatenate(key, offset, sources);
	}

	@Override
	public boolean canConcatenate(long offset, List<Long> sizes) {
		return can(StoreCapability.CONCATENATE) && super.canConcatenate(offset, sizes);
	}

	@Override
	public void move(String source, String target) {
		require(StoreCapability.MOVE);
		super.move(source, target);
	}

	private void require(StoreCapability capability) {
		if (!this.capabilities.contains(capability)) {
			throw new UnsupportedOperationException(capability + " is not one of this store's capabilities");
		}
	}

}
