package dev.chunkedupload.upload.model;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.H2Database;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The schema keeps working on H2, the default database, after the connection that
 * migrated it is closed while the database stays open, as happens when the pool retires
 * Flyway's connection: H2 2.4 ties a CHECK written with IN to the session that created
 * it, and then refuses every row (V8 rewrites those checks).
 */
class ConstraintsSurviveTheirConnectionTests {

	@Test
	void insertWhenMigratingConnectionIsClosedThenChecksStillJudgeRows() throws SQLException {
		String url = H2Database.newDatabase();
		try (Connection keepOpen = DriverManager.getConnection(url, H2Database.USERNAME, H2Database.PASSWORD)) {
			try (Connection migrating = DriverManager.getConnection(url, H2Database.USERNAME, H2Database.PASSWORD)) {
				Flyway.configure().dataSource(new SingleConnectionDataSource(migrating, true)).load().migrate();
			}
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(keepOpen, true));
			assertThat(insert(jdbc, "a", "UPLOADING", null)).isOne();
			assertThat(insert(jdbc, "b", "COMPLETE", "FINAL")).isOne();
			assertThatException().isThrownBy(() -> insert(jdbc, "c", "LOST", null))
				.withMessageContaining("UPLOAD_STATUS_CHECK");
			assertThatException().isThrownBy(() -> insert(jdbc, "d", "UPLOADING", "WHOLE"))
				.withMessageContaining("UPLOAD_CONCAT_ROLE_CHECK");
		}
	}

	private static int insert(JdbcTemplate jdbc, String id, String status, String concatRole) {
		OffsetDateTime now = OffsetDateTime.now();
		return jdbc.update(
				"insert into upload (upload_id, version, owner, protocol, filename, upload_offset, status, created_at, last_activity_at, storage_key, concat_role) values (?, 0, 'alice', 'TUS', 'f', 0, ?, ?, ?, ?, ?)",
				id, status, now, now, "k/" + id, concatRole);
	}

}
