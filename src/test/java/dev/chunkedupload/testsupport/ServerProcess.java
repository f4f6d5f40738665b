package dev.chunkedupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.chunkedupload.Application;

/**
 * The application in a JVM of its own, on a data directory and the default H2 file
 * database below it, both outliving it, so a test can send it signals (SIGTERM, SIGKILL)
 * or have it halt itself, then start it again on the same state. Users alice (USER) and
 * root (ADMIN).
 */
public final class ServerProcess implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final int port;

	private ServerProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * Start the server and wait (at most 120 s) until it answers.
	 * @param dataDir its data directory; the database lives below it
	 * @param name names the log file, {@code <name>.log} in the data directory
	 * @param jvmOptions options of the JVM, such as system properties
	 * @param arguments further application arguments
	 * @return the running server
	 */
	public static ServerProcess start(Path dataDir, String name, List<String> jvmOptions, String... arguments)
			throws IOException, InterruptedException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = dataDir.resolve(name + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("--add-opens=java.base/sun.security.provider=ALL-UNNAMED");
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), Application.class.getName(),
				"--server.port=" + port, "--server.address=127.0.0.1", "--chunked-upload.data-dir=" + dataDir,
				"--spring.main.banner-mode=off",
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD,
				"--chunked-upload.users.alice.roles=USER",
				"--chunked-upload.users.root.password={noop}" + HttpTestClient.PASSWORD,
				"--chunked-upload.users.root.roles=USER,ADMIN"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		ServerProcess server = new ServerProcess(process, log, port);
		server.awaitHealthy();
		return server;
	}

	public HttpTestClient client(String user) {
		return new HttpTestClient(this.port, user);
	}

	public int port() {
		return this.port;
	}

	/** Ask for a graceful shutdown, as {@code kill} (SIGTERM) does. */
	public void terminate() {
		this.process.destroy();
	}

	/**
	 * Wait for the JVM to end.
	 * @param timeout how long at most
	 * @return its exit code
	 * @throws AssertionError if it is still running after {@code timeout}
	 */
	public int awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("The server did not exit within " + timeout);
		}
		return this.process.exitValue();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Kill it (SIGKILL) if it still runs. */
	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
	}

	private void awaitHealthy() throws IOException, InterruptedException {
		HttpTestClient client = client(null);
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new AssertionError("The server died: " + log());
			}
			try {
				if (client.get("/actuator/health").status() == 200) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		close();
		throw new AssertionError("The server did not start: " + log());
	}

}
