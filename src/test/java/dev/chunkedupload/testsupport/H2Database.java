package dev.chunkedupload.testsupport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory H2 databases with unique names, the counterpart of {@link PostgresDatabase}
 * for the database the server uses by default.
 */
public final class H2Database {

	public static final String USERNAME = "sa";

	public static final String PASSWORD = "";

	private static final AtomicInteger databases = new AtomicInteger();

	private H2Database() {
	}

	/**
	 * A new, empty in-memory database. It lives until the JVM exits, like the one Spring
	 * Boot's embedded database support creates, so that it cannot vanish when a pool
	 * briefly holds no connection.
	 * @return the JDBC URL of the new database (connect as {@link #USERNAME})
	 */
	public static String newDatabase() {
		return "jdbc:h2:mem:test_" + databases.incrementAndGet() + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE";
	}

}
