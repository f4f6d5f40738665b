package dev.chunkedupload.upload.hash;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PipelinedHasherTests {

	private final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void shutdown() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void finishWhenManyBuffersOfVaryingLengthThenDigestOfAllBytesInOrder() throws Exception {
		Random random = new Random(7);
		byte[] data = new byte[3_000_000];
		random.nextBytes(data);
		byte[] restoredFrom = new byte[1000];
		ResumableMd5 start = new ResumableMd5();
		start.update(data, 0, restoredFrom.length);
		PipelinedHasher hasher = new PipelinedHasher(ResumableMd5.restore(start.saveState()), 3,
				new BufferPool(4096, 8), this.executor);
		int position = restoredFrom.length;
		while (position < data.length) {
			byte[] buffer = hasher.take();
			int n = Math.min(data.length - position, 1 + random.nextInt(buffer.length));
			System.arraycopy(data, position, buffer, 0, n);
			hasher.hash(buffer, n);
			position += n;
		}
		assertThat(ResumableMd5.restore(hasher.finish().saveState()).digest())
			.isEqualTo(MessageDigest.getInstance("MD5").digest(data));
	}

	@Test
	void hashWhenOnlyAShortBufferThenHashedHereWithoutAThread() throws Exception {
		byte[] data = new byte[1000];
		new Random(3).nextBytes(data);
		Executor refusing = (task) -> {
			throw new AssertionError("a short single buffer must not start the hash thread");
		};
		BufferPool pool = new BufferPool(4096, 8);
		PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 4, pool, refusing);
		byte[] buffer = hasher.take();
		System.arraycopy(data, 0, buffer, 0, data.length);
		hasher.hash(buffer, data.length);
		assertThat(ResumableMd5.restore(hasher.finish().saveState()).digest())
			.isEqualTo(MessageDigest.getInstance("MD5").digest(data));
		hasher.close();
		assertThat(pool.idle()).isEqualTo(1);
	}

	@Test
	void hashWhenFullBufferThenOnTheHashThread() {
		AtomicInteger started = new AtomicInteger();
		Executor counting = (task) -> {
			started.incrementAndGet();
			this.executor.execute(task);
		};
		PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 4, new BufferPool(16, 8), counting);
		hasher.hash(hasher.take(), 16);
		hasher.hash(hasher.take(), 16);
		hasher.finish();
		hasher.close();
		assertThat(started).hasValue(1);
	}

	@Test
	void takeWhenBuffersGivenBackThenReused() {
		PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 1, new BufferPool(16, 8), this.executor);
		byte[] buffer = hasher.take();
		hasher.giveBack(buffer);
		assertThat(hasher.take()).isSameAs(buffer);
		hasher.close();
	}

	@Test
	void closeWhenFinishedThenBuffersBackInPoolForTheNextChunk() {
		BufferPool pool = new BufferPool(16, 8);
		PipelinedHasher first = new PipelinedHasher(new ResumableMd5(), 4, pool, this.executor);
		byte[] buffer = first.take();
		first.hash(buffer, 16);
		// the hash thread may have given the first buffer back already
		byte[] second = first.take();
		first.giveBack(second);
		first.finish();
		first.close();
		// a small chunk borrows only what it uses, not the ring's four
		int used = (second == buffer) ? 1 : 2;
		assertThat(pool.idle()).isEqualTo(used);
		PipelinedHasher next = new PipelinedHasher(new ResumableMd5(), 4, pool, this.executor);
		java.util.List<byte[]> taken = new java.util.ArrayList<>();
		for (int i = 0; i < used; i++) {
			taken.add(next.take());
		}
		assertThat(taken).contains(buffer);
		assertThat(pool.idle()).isZero();
		next.close();
	}

	@Test
	void closeWhenNotFinishedThenBuffersNotGivenBack() {
		BufferPool pool = new BufferPool(16, 8);
		PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 4, pool, this.executor);
		hasher.hash(hasher.take(), 16);
		hasher.close();
		assertThat(pool.idle()).isZero();
	}

	@Test
	void giveBackWhenPoolFullThenBufferDropped() {
		BufferPool pool = new BufferPool(16, 1);
		byte[] first = pool.borrow();
		pool.giveBack(first);
		pool.giveBack(new byte[16]);
		assertThat(pool.idle()).isEqualTo(1);
		assertThat(pool.borrow()).isSameAs(first);
		assertThat(pool.idle()).isZero();
	}

	@Test
	void closeWhenNotFinishedThenHasherThreadEnds() throws InterruptedException {
		ExecutorService single = Executors.newSingleThreadExecutor();
		try {
			PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 2, new BufferPool(16, 8), single);
			hasher.hash(hasher.take(), 16);
			hasher.close();
			single.shutdown();
			assertThat(single.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			single.shutdownNow();
		}
	}

}
