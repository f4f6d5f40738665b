package dev.chunkedupload.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.chunkedupload.Application;
import dev.chunkedupload.testsupport.BrowserSession;
import dev.chunkedupload.testsupport.EndToEnd;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server stopped in the middle of an upload from the page and started again on the
 * same data: the page retries while it is gone, says the session ended when it is back,
 * and after logging in again the same file continues the same upload and completes with
 * the right MD5. Sessions live in the database and would survive the restart, so the test
 * ends the session while the server is away, as its expiry or a logout on another
 * instance would.
 */
@EndToEnd
class ServerRestartEndToEndTests {

	@TempDir
	Path dataDir;

	@TempDir
	Path files;

	ConfigurableApplicationContext server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void uploadWhenServerRestartsHalfwayThenContinuesAfterLoggingInAgain(BrowserSession browser)
			throws IOException, SQLException {
		int size = 6 * 1024 * 1024;
		byte[] content = randomBytes(size, 8);
		Path file = Files.write(this.files.resolve("restart.bin"), content);
		int port = freePort();
		this.server = start(port);
		HttpTestClient alice = new HttpTestClient(port, "alice");
		browser.port(port).login("alice", HttpTestClient.PASSWORD);
		browser.throttleUploads(1_500_000, Duration.ZERO);

		browser.choose(By.id("file-input"), file);
		WebElement transfer = UploadPageEndToEndTests.transfer(browser, "restart.bin");
		browser.waitUntil("a first chunk", () -> transfer.getAttribute("data-upload-id") != null);
		String uploadId = transfer.getAttribute("data-upload-id");
		browser.waitUntil("a third of the file on the server", Duration.ofSeconds(30),
				() -> offset(alice, uploadId) >= size / 3);
		this.server.close();
		browser.waitUntil("the page to retry while the server is gone", Duration.ofSeconds(30),
				() -> "retrying".equals(transfer.getAttribute("data-state")));

		assertThat(endSessions()).as("sessions stored in the database").isPositive();
		this.server = start(port);
		browser.waitUntil("the page to say the session ended", Duration.ofSeconds(60),
				() -> "failed".equals(transfer.getAttribute("data-state")));
		assertThat(transfer.findElement(By.cssSelector(".transfer-state")).getText())
			.startsWith("Your session has ended. Log in again");
		long offsetAfterRestart = offset(alice, uploadId);
		assertThat(offsetAfterRestart).isBetween((long) size / 3, (long) size - 1);

		browser.login("alice", HttpTestClient.PASSWORD);
		browser.choose(By.id("file-input"), file);
		WebElement resumed = UploadPageEndToEndTests.completed(browser, "restart.bin");

		assertThat(resumed.getAttribute("data-upload-id")).isEqualTo(uploadId);
		assertThat(Long.parseLong(resumed.getAttribute("data-resumed-at"))).isEqualTo(offsetAfterRestart);
		assertThat(resumed.getAttribute("data-md5")).isEqualTo(md5(content));
		Response download = alice.get("/api/uploads/" + uploadId + "/content");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.bytes()).isEqualTo(content);
	}

	private ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=" + port,
				"--server.address=127.0.0.1", "--chunked-upload.data-dir=" + this.dataDir,
				"--spring.datasource.url=" + database(),
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD,
				"--chunked-upload.web.chunk-size=256KB", "--chunked-upload.sweep-interval=1h",
				"--logging.level.org.openqa.selenium=ERROR");
	}

	private String database() {
		return "jdbc:h2:file:" + this.dataDir.resolve("db/restart");
	}

	/** Delete every stored session while no server has the database open. */
	private int endSessions() throws SQLException {
		try (Connection connection = DriverManager.getConnection(database(), "sa", "");
				Statement statement = connection.createStatement()) {
			return statement.executeUpdate("delete from spring_session");
		}
	}

	private static long offset(HttpTestClient client, String uploadId) {
		Response status = client.get("/api/chunked-upload/" + uploadId);
		assertThat(status.status()).isEqualTo(200);
		return status.json().get("offset").asLong();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
