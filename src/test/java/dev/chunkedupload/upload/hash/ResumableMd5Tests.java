package dev.chunkedupload.upload.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ResumableMd5Tests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					''                                                                               | d41d8cd98f00b204e9800998ecf8427e
					a                                                                                | 0cc175b9c0f1b6a831c399e269772661
					abc                                                                              | 900150983cd24fb0d6963f7d28e17f72
					message digest                                                                   | f96b697d7cb7938d525a2f31aaf161d0
					abcdefghijklmnopqrstuvwxyz                                                       | c3fcd3d76192e4007dfb496cca67e13b
					12345678901234567890123456789012345678901234567890123456789012345678901234567890 | 57edf4a22be3c955ac49da2e2107b67a
					""")
	void hexDigestWhenRfc1321TestSuiteThenMatches(String input, String expected) {
		ResumableMd5 md5 = new ResumableMd5();
		byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
		md5.update(bytes, 0, bytes.length);
		assertThat(md5.hexDigest()).isEqualTo(expected);
	}

	@Test
	void digestWhenFedInRandomPiecesAndRestoredInBetweenThenEqualsJdkMd5() throws Exception {
		Random random = new Random(42);
		for (int round = 0; round < 500; round++) {
			byte[] data = new byte[random.nextInt(5000)];
			random.nextBytes(data);
			ResumableMd5 md5 = new ResumableMd5();
			int position = 0;
			while (position < data.length) {
				int n = Math.min(data.length - position, random.nextInt(300));
				md5.update(data, position, n);
				position += n;
				if (random.nextBoolean()) {
					md5 = ResumableMd5.restore(md5.saveState());
				}
			}
			assertThat(md5.length()).isEqualTo(data.length);
			assertThat(md5.digest()).isEqualTo(MessageDigest.getInstance("MD5").digest(data));
		}
	}

	@Test
	void digestWhenCalledThenStateContinuesUnchanged() throws Exception {
		byte[] first = "hello ".getBytes(StandardCharsets.US_ASCII);
		byte[] second = "world".getBytes(StandardCharsets.US_ASCII);
		ResumableMd5 md5 = new ResumableMd5();
		md5.update(first, 0, first.length);
		md5.digest();
		md5.update(second, 0, second.length);
		assertThat(md5.hexDigest()).isEqualTo(HexFormat.of()
			.formatHex(MessageDigest.getInstance("MD5").digest("hello world".getBytes(StandardCharsets.US_ASCII))));
	}

	@Test
	void saveStateWhenAnyLengthThenFitsTheColumn() {
		ResumableMd5 md5 = new ResumableMd5();
		byte[] data = new byte[63];
		md5.update(data, 0, data.length);
		assertThat(md5.saveState()).hasSizeLessThanOrEqualTo(ResumableMd5.MAX_STATE_BYTES);
	}

	@Test
	void restoreWhenStateCorruptThenThrows() {
		byte[] state = new ResumableMd5().saveState();
		state[0] = 9;
		assertThatIllegalArgumentException().isThrownBy(() -> ResumableMd5.restore(state));
		assertThatIllegalArgumentException().isThrownBy(() -> ResumableMd5.restore(new byte[] { 1, 2, 3 }));
	}

	@Test
	void restoreWhenNullThenFreshDigest() {
		assertThat(ResumableMd5.restore(null).hexDigest()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
	}

}
