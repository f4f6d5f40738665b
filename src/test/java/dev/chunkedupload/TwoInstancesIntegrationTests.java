package dev.chunkedupload;

import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.HttpTestClient;
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
	void sameChunkWhenSentToTwoInstancesAtOnceThenExactlyOneWinsAndFileIsRight() throws Exception {
		String database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		try (ConfigurableApplicationContext one = start(database);
				ConfigurableApplicationContext two = start(database)) {
			SameChunkRace.run(port(one), port(two), one.getBean(JdbcTemplate.class));
		}
	}

	private ConfigurableApplicationContext start(String database) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir, "--spring.datasource.url=" + database,
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD, "--spring.jmx.enabled=false");
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
	}

}
