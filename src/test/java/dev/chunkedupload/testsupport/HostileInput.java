package dev.chunkedupload.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for what a hostile or broken client sends in a header or a field:
 * strings that reach the edges (empty, huge, control characters, white space of every
 * kind, bytes that are not UTF-8 as a server reads them, lone surrogates), numbers past
 * every range, and mutations of a valid value (a character dropped, replaced, inserted,
 * the value doubled or cut), which probe a parser where it is most likely to break: just
 * beside what it accepts.
 */
public final class HostileInput {

	/**
	 * Characters a server can see in a header: Tomcat reads header bytes as ISO-8859-1,
	 * so a non-UTF-8 byte arrives as a character from U+0080 to U+00FF.
	 */
	private static final String EDGE_CHARACTERS = " \t\r\n\u0000\u0001\u001f\u007f\u0080\u00a0\u00ff,;=:/\\\"'-+.*?%";

	private HostileInput() {
	}

	/**
	 * Any string, weighted towards the edges.
	 * @return the generator
	 */
	public static Arbitrary<String> strings() {
		return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(64),
				Arbitraries.strings().withChars(EDGE_CHARACTERS).withCharRange('0', '9').ofMaxLength(40),
				Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(200),
				Arbitraries.strings().withChars("\ud800\udc00\udfff\ufffe\uffff\u2028\u202e").ofMaxLength(8),
				Arbitraries.of("", " ", "\t", "\u0000", "\r\n", "..", "../../etc/passwd", "..\\..\\boot.ini",
						"%2e%2e%2f", "%00", "\u00ff\u00fe", "\ud800"),
				numbers(),
				Combinators
					.combine(Arbitraries.of("9", "a", "/", "=", " ", "\u00ff", "bytes 1-"),
							Arbitraries.integers().between(1_000, 70_000))
					.as(String::repeat));
	}

	/**
	 * Numbers as text: huge, negative, with signs, leading zeros, exponents, fractions,
	 * spaces, and digits from other scripts.
	 * @return the generator
	 */
	public static Arbitrary<String> numbers() {
		return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
				Arbitraries.bigIntegers()
					.between(java.math.BigInteger.valueOf(Long.MAX_VALUE).negate().pow(2),
							java.math.BigInteger.valueOf(Long.MAX_VALUE).pow(2))
					.map(String::valueOf),
				Arbitraries.of("0", "-0", "+0", "+1", "-1", "00", "007", "1e3", "1.5", "0x10", " 1", "1 ", "١٢٣", "１",
						"9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
						"999999999999999", "9999999999999999", "2147483647", "2147483648", "NaN", "Infinity"));
	}

	/**
	 * A valid value, or that value changed a little.
	 * @param valid valid values of the format under test
	 * @return the generator
	 */
	public static Arbitrary<String> mutationsOf(Arbitrary<String> valid) {
		return Arbitraries.oneOf(valid,
				Combinators
					.combine(valid, Arbitraries.integers().between(0, 7), Arbitraries.integers().greaterOrEqual(0),
							strings())
					.as(HostileInput::mutate));
	}

	/**
	 * Bytes that a body or a field may carry: empty, random, text that is not UTF-8.
	 * @return the generator
	 */
	public static Arbitrary<byte[]> bytes() {
		return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(512),
				strings().map((text) -> text.getBytes(StandardCharsets.ISO_8859_1)),
				Arbitraries.of(List.of(new byte[0], new byte[] { (byte) 0xc3 }, new byte[] { (byte) 0xff, (byte) 0xfe },
						new byte[] { (byte) 0xed, (byte) 0xa0, (byte) 0x80 })));
	}

	private static String mutate(String valid, int kind, int where, String other) {
		int at = valid.isEmpty() ? 0 : where % (valid.length() + 1);
		String piece = other.isEmpty() ? "\u0000" : other.substring(0, Math.min(other.length(), 3));
		return switch (kind) {
			case 0 -> valid.substring(0, at) + piece + valid.substring(at);
			case 1 -> (at < valid.length()) ? valid.substring(0, at) + valid.substring(at + 1) : valid + piece;
			case 2 -> (at < valid.length()) ? valid.substring(0, at) + piece + valid.substring(at + 1) : piece;
			case 3 -> valid + "," + valid;
			case 4 -> valid.substring(0, at);
			case 5 -> " \t" + valid + "\t ";
			case 6 -> valid.replaceAll("[0-9]+", (where % 2 == 0) ? "99999999999999999999" : "-1");
			default -> valid + other;
		};
	}

}
