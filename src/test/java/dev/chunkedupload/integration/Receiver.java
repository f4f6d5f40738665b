package dev.chunkedupload.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP receiver on loopback (the JDK's server): records every request and answers
 * as the test says, optionally holding its answers until the test lets them go.
 */
final class Receiver implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService threads = Executors.newFixedThreadPool(8);

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private volatile Function<Request, Answer> answers = (request) -> new Answer(204, "");

	private volatile CountDownLatch gate = new CountDownLatch(0);

	Receiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(this.threads);
		this.server.createContext("/", (exchange) -> {
			Map<String, String> headers = new TreeMap<>();
			exchange.getRequestHeaders()
				.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
			String body;
			try (InputStream in = exchange.getRequestBody()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
					body);
			this.requests.add(request);
			try {
				this.gate.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			Answer answer = this.answers.apply(request);
			byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", answer.contentType());
			try {
				exchange.sendResponseHeaders(answer.status(), (bytes.length == 0) ? -1 : bytes.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(bytes);
				}
			}
			catch (IOException ex) {
				// The client gave up waiting (its timeout): nothing to answer.
			}
			exchange.close();
		});
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hook";
	}

	void answer(Function<Request, Answer> answers) {
		this.answers = answers;
	}

	/** Hold every answer until {@link #release()}. */
	void hold() {
		this.gate = new CountDownLatch(1);
	}

	void release() {
		this.gate.countDown();
	}

	List<Request> requests() {
		return List.copyOf(this.requests);
	}

	/** The requests whose body mentions a text (an upload id), in order. */
	List<Request> about(String text) {
		return this.requests.stream().filter((request) -> request.body().contains(text)).toList();
	}

	/**
	 * Wait, within a bound, until the received requests satisfy a condition.
	 * @return the requests then
	 */
	List<Request> await(Predicate<List<Request>> condition, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		while (!condition.test(requests())) {
			assertThat(System.nanoTime()).as("waited %s for the receiver; got %s", within, requests())
				.isLessThan(deadline);
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return requests();
	}

	@Override
	public void close() {
		release();
		this.server.stop(0);
		this.threads.shutdownNow();
	}

	record Request(String method, String path, Map<String, String> headers, String body) {

		String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

	record Answer(int status, String body, String contentType) {

		Answer(int status, String body) {
			this(status, body, "text/plain; charset=utf-8");
		}

	}

}
