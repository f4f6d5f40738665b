package dev.chunkedupload.upload.hash;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * The JDK's MD5 ({@code sun.security.provider.MD5}), whose block function HotSpot
 * replaces with an intrinsic, with its state read and written through method and variable
 * handles. The JDK offers no API for that state, so this needs the package opened to us;
 * whether it is, and whether the fields are still where this class expects them, is
 * checked once by hashing test data through save and restore and comparing with
 * {@link MessageDigest}. Anything unexpected leaves {@link #AVAILABLE} false and
 * {@link ResumableMd5} in use.
 */
final class JdkMd5 implements RunningMd5 {

	static final boolean AVAILABLE;

	private static final MethodHandle NEW;

	private static final MethodHandle UPDATE;

	private static final VarHandle STATE;

	private static final VarHandle BUFFER;

	private static final VarHandle BUFFER_OFFSET;

	private static final VarHandle BYTES_PROCESSED;

	static {
		MethodHandle create = null;
		MethodHandle update = null;
		VarHandle state = null;
		VarHandle buffer = null;
		VarHandle bufferOffset = null;
		VarHandle bytesProcessed = null;
		try {
			Class<?> md5 = Class.forName("sun.security.provider.MD5");
			Class<?> base = Class.forName("sun.security.provider.DigestBase");
			MethodHandles.Lookup md5Lookup = MethodHandles.privateLookupIn(md5, MethodHandles.lookup());
			MethodHandles.Lookup baseLookup = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
			create = md5Lookup.findConstructor(md5, MethodType.methodType(void.class))
				.asType(MethodType.methodType(Object.class));
			update = baseLookup
				.findVirtual(base, "engineUpdate",
						MethodType.methodType(void.class, byte[].class, int.class, int.class))
				.asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class, int.class));
			state = md5Lookup.findVarHandle(md5, "state", int[].class);
			buffer = baseLookup.findVarHandle(base, "buffer", byte[].class);
			bufferOffset = baseLookup.findVarHandle(base, "bufOfs", int.class);
			bytesProcessed = baseLookup.findVarHandle(base, "bytesProcessed", long.class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			create = null;
		}
		NEW = create;
		UPDATE = update;
		STATE = state;
		BUFFER = buffer;
		BUFFER_OFFSET = bufferOffset;
		BYTES_PROCESSED = bytesProcessed;
		AVAILABLE = (create != null) && selfTest();
	}

	private final Object digest;

	private JdkMd5(Object digest) {
		this.digest = digest;
	}

	static JdkMd5 restore(byte[] saved) {
		if (!AVAILABLE) {
			throw new IllegalStateException("The JDK's MD5 state is not accessible");
		}
		return restore0(saved);
	}

	@Override
	public void update(byte[] input, int offset, int length) {
		try {
			UPDATE.invokeExact(this.digest, input, offset, length);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public byte[] saveState() {
		int[] words = (int[]) STATE.get(this.digest);
		return ResumableMd5.encode(words[0], words[1], words[2], words[3], length(), (byte[]) BUFFER.get(this.digest));
	}

	@Override
	public long length() {
		return (long) BYTES_PROCESSED.get(this.digest);
	}

	private static Object newDigest() {
		try {
			return NEW.invokeExact();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Hash data in uneven pieces through save and restore; it must equal the JDK's MD5.
	 */
	private static boolean selfTest() {
		try {
			byte[] data = new byte[10_000];
			new Random(1).nextBytes(data);
			JdkMd5 md5 = new JdkMd5(newDigest());
			int position = 0;
			for (int piece : new int[] { 1, 63, 64, 65, 1000, 3, 4096, 127 }) {
				md5.update(data, position, piece);
				position += piece;
				md5 = restore0(md5.saveState());
			}
			md5.update(data, position, data.length - position);
			byte[] ours = ResumableMd5.restore(md5.saveState()).digest();
			return Arrays.equals(ours, MessageDigest.getInstance("MD5").digest(data));
		}
		catch (Exception | LinkageError ex) {
			return false;
		}
	}

	/**
	 * {@link #restore} without asking {@link #AVAILABLE}, which the self-test decides.
	 */
	private static JdkMd5 restore0(byte[] saved) {
		JdkMd5 md5 = new JdkMd5(newDigest());
		if (saved == null || saved.length == 0) {
			return md5;
		}
		ResumableMd5 state = ResumableMd5.restore(saved);
		System.arraycopy(state.words(), 0, (int[]) STATE.get(md5.digest), 0, 4);
		int tailLength = (int) (state.length() & 63);
		System.arraycopy(state.tail(), 0, (byte[]) BUFFER.get(md5.digest), 0, tailLength);
		BUFFER_OFFSET.set(md5.digest, tailLength);
		BYTES_PROCESSED.set(md5.digest, state.length());
		return md5;
	}

}
