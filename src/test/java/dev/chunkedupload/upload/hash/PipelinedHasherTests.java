package dev.chunkedupload.upload.hash;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
		PipelinedHasher hasher = new PipelinedHasher(ResumableMd5.restore(start.saveState()), 3, 4096, this.executor);
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
	void takeWhenBuffersGivenBackThenReused() {
		PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 1, 16, this.executor);
		byte[] buffer = hasher.take();
		hasher.giveBack(buffer);
		assertThat(hasher.take()).isSameAs(buffer);
		hasher.close();
	}

	@Test
	void closeWhenNotFinishedThenHasherThreadEnds() throws InterruptedException {
		ExecutorService single = Executors.newSingleThreadExecutor();
		try {
			PipelinedHasher hasher = new PipelinedHasher(new ResumableMd5(), 2, 16, single);
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
