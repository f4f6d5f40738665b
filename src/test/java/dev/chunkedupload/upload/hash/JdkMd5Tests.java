package dev.chunkedupload.upload.hash;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK's MD5 with its state carried out and back in. The build opens
 * {@code sun.security.provider} to the tests as it does to the application, so it must be
 * available here; if a JDK moved its fields, this fails instead of silently going slow.
 */
class JdkMd5Tests {

	@Test
	void availableWhenPackageOpenedThenTrue() {
		assertThat(JdkMd5.AVAILABLE).isTrue();
		assertThat(RunningMd5.restore(null)).isInstanceOf(JdkMd5.class);
	}

	@Test
	void updateWhenSavedAndRestoredBetweenPiecesThenEqualsJdkDigestAndResumableMd5() throws Exception {
		Random random = new Random(11);
		for (int round = 0; round < 300; round++) {
			byte[] data = new byte[random.nextInt(20_000)];
			random.nextBytes(data);
			RunningMd5 fast = JdkMd5.restore(null);
			ResumableMd5 plain = new ResumableMd5();
			int position = 0;
			while (position < data.length) {
				int n = Math.min(data.length - position, random.nextInt(700));
				fast.update(data, position, n);
				plain.update(data, position, n);
				position += n;
				assertThat(fast.saveState()).isEqualTo(plain.saveState());
				// hand the state across implementations, as a restart with other JVM
				// flags would
				if (random.nextBoolean()) {
					fast = JdkMd5.restore(plain.saveState());
				}
				else {
					plain = ResumableMd5.restore(fast.saveState());
				}
			}
			assertThat(fast.length()).isEqualTo(data.length);
			assertThat(RunningMd5.hexDigest(fast.saveState()))
				.isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)));
		}
	}

}
