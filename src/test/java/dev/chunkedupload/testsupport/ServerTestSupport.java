package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What full-stack tests share: three users, a fresh data directory and database per test
 * class, and byte helpers.
 */
public final class ServerTestSupport {

	private ServerTestSupport() {
	}

	/**
	 * Register users alice and bob (USER) and root (ADMIN), a fresh H2 database and a
	 * fresh data directory.
	 * @param registry the registry of a test class
	 * @return the data directory
	 */
	public static Path register(DynamicPropertyRegistry registry) {
		Path dataDir = newDataDir();
		registry.add("chunked-upload.data-dir", dataDir::toString);
		registry.add("spring.datasource.url", () -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		registerUsers(registry);
		return dataDir;
	}

	public static void registerUsers(DynamicPropertyRegistry registry) {
		for (String user : List.of("alice", "bob")) {
			registry.add("chunked-upload.users." + user + ".password", () -> "{noop}" + HttpTestClient.PASSWORD);
			registry.add("chunked-upload.users." + user + ".roles", () -> "USER");
		}
		registry.add("chunked-upload.users.root.password", () -> "{noop}" + HttpTestClient.PASSWORD);
		registry.add("chunked-upload.users.root.roles", () -> "USER,ADMIN");
	}

	public static Path newDataDir() {
		try {
			return Files.createTempDirectory("chunked-upload-test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static byte[] randomBytes(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	public static String md5(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Every regular file below the data directory except the database's. */
	public static List<Path> storedFiles(Path dataDir) {
		try (Stream<Path> files = Files.walk(dataDir)) {
			return files.filter(Files::isRegularFile)
				.filter((path) -> !path.startsWith(dataDir.resolve("db")))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
