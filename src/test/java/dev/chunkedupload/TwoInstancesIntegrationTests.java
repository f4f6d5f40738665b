package dev.chunkedupload;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.H2Database;
import dev.chunkedupload.testsupport.PostgresDatabase;
import dev.chunkedupload.testsupport.SameChunkRace;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two application instances sharing one database and one data directory, as behind a load
 * balancer: the same chunk sent to both at once is written by exactly one.
 */
class TwoInstancesIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void sameChunkWhenSentToTwoInstancesOnH2ThenExactlyOneWinsAndFileIsRight() throws Exception {
		race(H2Database.newDatabase(), "--spring.datasource.username=sa");
	}

	@Test
	void sameChunkWhenSentToTwoInstancesOnPostgresThenExactlyOneWinsAndFileIsRight() throws Exception {
		race(PostgresDatabase.newDatabase(), "--spring.datasource.username=" + PostgresDatabase.USERNAME);
	}

	private void race(String database, String username) throws Exception {
		try (ConfigurableApplicationContext one = start(database, username);
				ConfigurableApplicationContext two = start(database, username)) {
			SameChunkRace.run(port(one), port(two), one.getBean(JdbcTemplate.class));
		}
	}

	private ConfigurableApplicationContext start(String database, String username) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir, "--spring.datasource.url=" + database, username,
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD, "--spring.jmx.enabled=false");
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
	}

}
