package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request body that hands out its first bytes at once and then waits at a gate (for a
 * bounded time) before the rest, like a client whose next packets are still on the way.
 */
public final class GatedInputStream extends InputStream {

	private final byte[] bytes;

	private final int beforeGate;

	private final CountDownLatch atGate;

	private final CountDownLatch gate;

	private volatile int position;

	private volatile boolean reachedGate;

	public GatedInputStream(byte[] bytes, int beforeGate, CountDownLatch atGate, CountDownLatch gate) {
		this.bytes = bytes;
		this.beforeGate = beforeGate;
		this.atGate = atGate;
		this.gate = gate;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		if (length == 0) {
			return 0;
		}
		if (this.position == this.beforeGate && !this.reachedGate) {
			this.reachedGate = true;
			this.atGate.countDown();
			awaitGate();
		}
		int end = (this.position < this.beforeGate) ? this.beforeGate : this.bytes.length;
		if (this.position >= end) {
			return -1;
		}
		int n = Math.min(length, end - this.position);
		System.arraycopy(this.bytes, this.position, buffer, offset, n);
		this.position += n;
		return n;
	}

	public boolean reachedGate() {
		return this.reachedGate;
	}

	public int bytesRead() {
		return this.position;
	}

	private void awaitGate() throws IOException {
		try {
			if (!this.gate.await(10, TimeUnit.SECONDS)) {
				throw new IOException("The gate stayed closed");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted at the gate");
		}
	}

}
