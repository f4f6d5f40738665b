package dev.chunkedupload.upload;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeptBodyTests {

	@Test
	void readWhenSourceBreaksThenBytesThatArrivedThenEndAndInterrupted() throws IOException {
		byte[] bytes = new byte[1000];
		Arrays.fill(bytes, (byte) 7);
		KeptBody body = new KeptBody(new BreakingStream(bytes, 700));
		byte[] all = body.readAllBytes();
		assertThat(all).hasSize(700);
		assertThat(body.interrupted()).isTrue();
		assertThat(body.failure()).isInstanceOf(EOFException.class);
		assertThat(body.received()).isEqualTo(700);
		assertThat(body.hasMore()).isFalse();
	}

	@Test
	void limitWhenReadThenPiecesOfAtMostLimitAndHasMoreLooksAhead() throws IOException {
		byte[] bytes = new byte[2500];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		KeptBody body = new KeptBody(new ByteArrayInputStream(bytes));
		byte[] first = body.limit(1000).readAllBytes();
		assertThat(body.hasMore()).isTrue();
		byte[] second = body.limit(1000).readAllBytes();
		assertThat(body.hasMore()).isTrue();
		byte[] third = body.limit(1000).readAllBytes();
		assertThat(body.hasMore()).isFalse();
		assertThat(first).hasSize(1000).isEqualTo(Arrays.copyOfRange(bytes, 0, 1000));
		assertThat(second).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
		assertThat(third).isEqualTo(Arrays.copyOfRange(bytes, 2000, 2500));
		assertThat(body.interrupted()).isFalse();
		assertThat(body.received()).isEqualTo(2500);
	}

	@Test
	void hasMoreWhenEndsExactlyAtLimitThenFalse() throws IOException {
		KeptBody body = new KeptBody(new ByteArrayInputStream(new byte[1000]));
		assertThat(body.limit(1000).readAllBytes()).hasSize(1000);
		assertThat(body.hasMore()).isFalse();
		assertThat(body.limit(1000).readAllBytes()).isEmpty();
	}

	/** Delivers a prefix, then fails as Tomcat does when a client goes away. */
	static final class BreakingStream extends InputStream {

		private final byte[] bytes;

		private final int breakAt;

		private int position;

		BreakingStream(byte[] bytes, int breakAt) {
			this.bytes = bytes;
			this.breakAt = breakAt;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.position >= this.breakAt) {
				throw new EOFException("Unexpected EOF read on the socket");
			}
			int n = Math.min(Math.min(length, 64), this.breakAt - this.position);
			System.arraycopy(this.bytes, this.position, buffer, offset, n);
			this.position += n;
			return n;
		}

	}

}
