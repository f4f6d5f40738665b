package dev.chunkedupload.upload.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * MD5 (RFC 1321) whose running state can be saved after any byte and restored later, in
 * another process if need be. The JDK's {@code MessageDigest} hides its state and Bouncy
 * Castle's exportable digest runs at about half the JDK's speed on this hardware; a plain
 * Java implementation that keeps the 16 message words in locals lets C2 produce code
 * close to the JDK intrinsic, so the whole-file MD5 can be carried from chunk to chunk
 * without a second read of the file.
 */
public final class ResumableMd5 implements RunningMd5 {

	private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final byte STATE_VERSION = 1;

	/** Encoded state: version, 4 state words, byte count, buffered tail length, tail. */
	static final int MAX_STATE_BYTES = 1 + 16 + 8 + 1 + 64;

	private int a = 0x67452301;

	private int b = 0xefcdab89;

	private int c = 0x98badcfe;

	private int d = 0x10325476;

	private long count;

	private final byte[] tail = new byte[64];

	public ResumableMd5() {
	}

	/**
	 * Restore a digest from {@link #saveState()}.
	 * @param state the saved state, or {@code null} or empty for a fresh digest
	 * @return the digest
	 * @throws IllegalArgumentException if the state is not one this class wrote
	 */
	public static ResumableMd5 restore(byte[] state) {
		ResumableMd5 md5 = new ResumableMd5();
		if (state == null || state.length == 0) {
			return md5;
		}
		ByteBuffer in = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
		if (state.length < 26 || in.get() != STATE_VERSION) {
			throw new IllegalArgumentException("Not an MD5 state");
		}
		md5.a = in.getInt();
		md5.b = in.getInt();
		md5.c = in.getInt();
		md5.d = in.getInt();
		md5.count = in.getLong();
		int tailLength = in.get();
		if (tailLength != (int) (md5.count & 63) || in.remaining() != tailLength) {
			throw new IllegalArgumentException("Corrupt MD5 state");
		}
		in.get(md5.tail, 0, tailLength);
		return md5;
	}

	/**
	 * The state after every byte given so far, to be passed to {@link #restore(byte[])}.
	 * @return the encoded state (at most 90 bytes)
	 */
	@Override
	public byte[] saveState() {
		return encode(this.a, this.b, this.c, this.d, this.count, this.tail);
	}

	/**
	 * Encode an MD5 state the way {@link #saveState()} does, for another implementation
	 * of the same algorithm.
	 * @param words the four state words A, B, C, D after the last whole block
	 * @param count the number of bytes hashed
	 * @param tail a buffer whose first {@code count % 64} bytes are the unhashed tail
	 * @return the encoded state
	 */
	static byte[] encode(int a, int b, int c, int d, long count, byte[] tail) {
		int tailLength = (int) (count & 63);
		ByteBuffer out = ByteBuffer.allocate(26 + tailLength).order(ByteOrder.LITTLE_ENDIAN);
		out.put(STATE_VERSION).putInt(a).putInt(b).putInt(c).putInt(d);
		out.putLong(count).put((byte) tailLength).put(tail, 0, tailLength);
		return out.array();
	}

	int[] words() {
		return new int[] { this.a, this.b, this.c, this.d };
	}

	byte[] tail() {
		return this.tail;
	}

	/**
	 * The number of bytes hashed so far.
	 * @return the byte count
	 */
	@Override
	public long length() {
		return this.count;
	}

	@Override
	public void update(byte[] input, int offset, int length) {
		if (length <= 0) {
			return;
		}
		int pending = (int) (this.count & 63);
		this.count += length;
		int pos = offset;
		int end = offset + length;
		if (pending > 0) {
			int take = Math.min(64 - pending, length);
			System.arraycopy(input, pos, this.tail, pending, take);
			pos += take;
			if (pending + take < 64) {
				return;
			}
			block(this.tail, 0);
		}
		while (end - pos >= 64) {
			block(input, pos);
			pos += 64;
		}
		if (pos < end) {
			System.arraycopy(input, pos, this.tail, 0, end - pos);
		}
	}

	/**
	 * The digest of every byte given so far. The state is not changed, so more bytes may
	 * follow.
	 * @return the 16-byte digest
	 */
	public byte[] digest() {
		ResumableMd5 copy = restore(saveState());
		long bits = copy.count << 3;
		int pending = (int) (copy.count & 63);
		byte[] padding = new byte[(pending < 56) ? 64 - pending : 128 - pending];
		padding[0] = (byte) 0x80;
		for (int i = 0; i < 8; i++) {
			padding[padding.length - 8 + i] = (byte) (bits >>> (8 * i));
		}
		copy.update(padding, 0, padding.length);
		byte[] out = new byte[16];
		INT_LE.set(out, 0, copy.a);
		INT_LE.set(out, 4, copy.b);
		INT_LE.set(out, 8, copy.c);
		INT_LE.set(out, 12, copy.d);
		return out;
	}

	/**
	 * The digest as 32 lower-case hex digits.
	 * @return the hex digest
	 */
	public String hexDigest() {
		return HexFormat.of().formatHex(digest());
	}

	@Override
	public String toString() {
		return "ResumableMd5[" + this.count + " bytes]";
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ResumableMd5 that && Arrays.equals(saveState(), that.saveState());
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(saveState());
	}

	private void block(byte[] buf, int off) {
		int x0 = (int) INT_LE.get(buf, off);
		int x1 = (int) INT_LE.get(buf, off + 4);
		int x2 = (int) INT_LE.get(buf, off + 8);
		int x3 = (int) INT_LE.get(buf, off + 12);
		int x4 = (int) INT_LE.get(buf, off + 16);
		int x5 = (int) INT_LE.get(buf, off + 20);
		int x6 = (int) INT_LE.get(buf, off + 24);
		int x7 = (int) INT_LE.get(buf, off + 28);
		int x8 = (int) INT_LE.get(buf, off + 32);
		int x9 = (int) INT_LE.get(buf, off + 36);
		int x10 = (int) INT_LE.get(buf, off + 40);
		int x11 = (int) INT_LE.get(buf, off + 44);
		int x12 = (int) INT_LE.get(buf, off + 48);
		int x13 = (int) INT_LE.get(buf, off + 52);
		int x14 = (int) INT_LE.get(buf, off + 56);
		int x15 = (int) INT_LE.get(buf, off + 60);
		int a = this.a;
		int b = this.b;
		int c = this.c;
		int d = this.d;

		a = b + Integer.rotateLeft((d ^ (b & (c ^ d))) + (a + x0 + 0xd76aa478), 7);
		d = a + Integer.rotateLeft((c ^ (a & (b ^ c))) + (d + x1 + 0xe8c7b756), 12);
		c = d + Integer.rotateLeft((b ^ (d & (a ^ b))) + (c + x2 + 0x242070db), 17);
		b = c + Integer.rotateLeft((a ^ (c & (d ^ a))) + (b + x3 + 0xc1bdceee), 22);
		a = b + Integer.rotateLeft((d ^ (b & (c ^ d))) + (a + x4 + 0xf57c0faf), 7);
		d = a + Integer.rotateLeft((c ^ (a & (b ^ c))) + (d + x5 + 0x4787c62a), 12);
		c = d + Integer.rotateLeft((b ^ (d & (a ^ b))) + (c + x6 + 0xa8304613), 17);
		b = c + Integer.rotateLeft((a ^ (c & (d ^ a))) + (b + x7 + 0xfd469501), 22);
		a = b + Integer.rotateLeft((d ^ (b & (c ^ d))) + (a + x8 + 0x698098d8), 7);
		d = a + Integer.rotateLeft((c ^ (a & (b ^ c))) + (d + x9 + 0x8b44f7af), 12);
		c = d + Integer.rotateLeft((b ^ (d & (a ^ b))) + (c + x10 + 0xffff5bb1), 17);
		b = c + Integer.rotateLeft((a ^ (c & (d ^ a))) + (b + x11 + 0x895cd7be), 22);
		a = b + Integer.rotateLeft((d ^ (b & (c ^ d))) + (a + x12 + 0x6b901122), 7);
		d = a + Integer.rotateLeft((c ^ (a & (b ^ c))) + (d + x13 + 0xfd987193), 12);
		c = d + Integer.rotateLeft((b ^ (d & (a ^ b))) + (c + x14 + 0xa679438e), 17);
		b = c + Integer.rotateLeft((a ^ (c & (d ^ a))) + (b + x15 + 0x49b40821), 22);

		a = b + Integer.rotateLeft((b & d) + (a + x1 + 0xf61e2562 + (c & ~d)), 5);
		d = a + Integer.rotateLeft((a & c) + (d + x6 + 0xc040b340 + (b & ~c)), 9);
		c = d + Integer.rotateLeft((d & b) + (c + x11 + 0x265e5a51 + (a & ~b)), 14);
		b = c + Integer.rotateLeft((c & a) + (b + x0 + 0xe9b6c7aa + (d & ~a)), 20);
		a = b + Integer.rotateLeft((b & d) + (a + x5 + 0xd62f105d + (c & ~d)), 5);
		d = a + Integer.rotateLeft((a & c) + (d + x10 + 0x02441453 + (b & ~c)), 9);
		c = d + Integer.rotateLeft((d & b) + (c + x15 + 0xd8a1e681 + (a & ~b)), 14);
		b = c + Integer.rotateLeft((c & a) + (b + x4 + 0xe7d3fbc8 + (d & ~a)), 20);
		a = b + Integer.rotateLeft((b & d) + (a + x9 + 0x21e1cde6 + (c & ~d)), 5);
		d = a + Integer.rotateLeft((a & c) + (d + x14 + 0xc33707d6 + (b & ~c)), 9);
		c = d + Integer.rotateLeft((d & b) + (c + x3 + 0xf4d50d87 + (a & ~b)), 14);
		b = c + Integer.rotateLeft((c & a) + (b + x8 + 0x455a14ed + (d & ~a)), 20);
		a = b + Integer.rotateLeft((b & d) + (a + x13 + 0xa9e3e905 + (c & ~d)), 5);
		d = a + Integer.rotateLeft((a & c) + (d + x2 + 0xfcefa3f8 + (b & ~c)), 9);
		c = d + Integer.rotateLeft((d & b) + (c + x7 + 0x676f02d9 + (a & ~b)), 14);
		b = c + Integer.rotateLeft((c & a) + (b + x12 + 0x8d2a4c8a + (d & ~a)), 20);

		a = b + Integer.rotateLeft((b ^ (c ^ d)) + (a + x5 + 0xfffa3942), 4);
		d = a + Integer.rotateLeft((a ^ (b ^ c)) + (d + x8 + 0x8771f681), 11);
		c = d + Integer.rotateLeft((d ^ (a ^ b)) + (c + x11 + 0x6d9d6122), 16);
		b = c + Integer.rotateLeft((c ^ (d ^ a)) + (b + x14 + 0xfde5380c), 23);
		a = b + Integer.rotateLeft((b ^ (c ^ d)) + (a + x1 + 0xa4beea44), 4);
		d = a + Integer.rotateLeft((a ^ (b ^ c)) + (d + x4 + 0x4bdecfa9), 11);
		c = d + Integer.rotateLeft((d ^ (a ^ b)) + (c + x7 + 0xf6bb4b60), 16);
		b = c + Integer.rotateLeft((c ^ (d ^ a)) + (b + x10 + 0xbebfbc70), 23);
		a = b + Integer.rotateLeft((b ^ (c ^ d)) + (a + x13 + 0x289b7ec6), 4);
		d = a + Integer.rotateLeft((a ^ (b ^ c)) + (d + x0 + 0xeaa127fa), 11);
		c = d + Integer.rotateLeft((d ^ (a ^ b)) + (c + x3 + 0xd4ef3085), 16);
		b = c + Integer.rotateLeft((c ^ (d ^ a)) + (b + x6 + 0x04881d05), 23);
		a = b + Integer.rotateLeft((b ^ (c ^ d)) + (a + x9 + 0xd9d4d039), 4);
		d = a + Integer.rotateLeft((a ^ (b ^ c)) + (d + x12 + 0xe6db99e5), 11);
		c = d + Integer.rotateLeft((d ^ (a ^ b)) + (c + x15 + 0x1fa27cf8), 16);
		b = c + Integer.rotateLeft((c ^ (d ^ a)) + (b + x2 + 0xc4ac5665), 23);

		a = b + Integer.rotateLeft((c ^ (b | ~d)) + (a + x0 + 0xf4292244), 6);
		d = a + Integer.rotateLeft((b ^ (a | ~c)) + (d + x7 + 0x432aff97), 10);
		c = d + Integer.rotateLeft((a ^ (d | ~b)) + (c + x14 + 0xab9423a7), 15);
		b = c + Integer.rotateLeft((d ^ (c | ~a)) + (b + x5 + 0xfc93a039), 21);
		a = b + Integer.rotateLeft((c ^ (b | ~d)) + (a + x12 + 0x655b59c3), 6);
		d = a + Integer.rotateLeft((b ^ (a | ~c)) + (d + x3 + 0x8f0ccc92), 10);
		c = d + Integer.rotateLeft((a ^ (d | ~b)) + (c + x10 + 0xffeff47d), 15);
		b = c + Integer.rotateLeft((d ^ (c | ~a)) + (b + x1 + 0x85845dd1), 21);
		a = b + Integer.rotateLeft((c ^ (b | ~d)) + (a + x8 + 0x6fa87e4f), 6);
		d = a + Integer.rotateLeft((b ^ (a | ~c)) + (d + x15 + 0xfe2ce6e0), 10);
		c = d + Integer.rotateLeft((a ^ (d | ~b)) + (c + x6 + 0xa3014314), 15);
		b = c + Integer.rotateLeft((d ^ (c | ~a)) + (b + x13 + 0x4e0811a1), 21);
		a = b + Integer.rotateLeft((c ^ (b | ~d)) + (a + x4 + 0xf7537e82), 6);
		d = a + Integer.rotateLeft((b ^ (a | ~c)) + (d + x11 + 0xbd3af235), 10);
		c = d + Integer.rotateLeft((a ^ (d | ~b)) + (c + x2 + 0x2ad7d2bb), 15);
		b = c + Integer.rotateLeft((d ^ (c | ~a)) + (b + x9 + 0xeb86d391), 21);

		this.a += a;
		this.b += b;
		this.c += c;
		this.d += d;
	}

}
