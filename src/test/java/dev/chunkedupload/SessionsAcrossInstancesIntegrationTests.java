package dev.chunkedupload;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chunkedupload.testsupport.H2Database;
import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.PostgresDatabase;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser sessions behind a round-robin balancer: two instances share one database, a
 * session made by logging in on one is known to the other (Spring Session JDBC), a logout
 * on one ends it on both, and scripts with HTTP Basic leave no session rows behind.
 */
class SessionsAcrossInstancesIntegrationTests {

	private static final Pattern CSRF_META = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

	private static final Pattern USER_META = Pattern.compile("<meta name=\"user\" content=\"([^\"]+)\"");

	@TempDir
	Path dataDir;

	@Test
	void loginWhenOnOneInstanceOnH2ThenTheOtherServesPagesAndApiUntilLogout() throws Exception {
		acrossInstances(H2Database.newDatabase(), H2Database.USERNAME);
	}

	@Test
	void loginWhenOnOneInstanceOnPostgresThenTheOtherServesPagesAndApiUntilLogout() throws Exception {
		acrossInstances(PostgresDatabase.newDatabase(), PostgresDatabase.USERNAME);
	}

	@Test
	void chunksWhenBasicAuthenticatedOnBothInstancesThenNoSessionRowIsCreated() throws Exception {
		String database = PostgresDatabase.newDatabase();
		try (ConfigurableApplicationContext one = start(database, PostgresDatabase.USERNAME);
				ConfigurableApplicationContext two = start(database, PostgresDatabase.USERNAME)) {
			JdbcTemplate jdbc = one.getBean(JdbcTemplate.class);
			HttpTestClient first = new HttpTestClient(TwoInstancesIntegrationTests.port(one), "alice");
			HttpTestClient second = new HttpTestClient(TwoInstancesIntegrationTests.port(two), "alice");
			byte[] file = randomBytes(10 * 64 * 1024, 91);
			int chunk = 64 * 1024;
			String id = null;
			for (int offset = 0, n = 0; offset < file.length; offset += chunk, n++) {
				HttpTestClient client = (n % 2 == 0) ? first : second;
				HttpTestClient.Response answer = client.rawChunk(id,
						"bytes " + offset + "-" + (offset + chunk - 1) + "/" + file.length,
						Arrays.copyOfRange(file, offset, offset + chunk), "basic.bin");
				assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
				assertThat(answer.header("Set-Cookie")).as("no session cookie").isNull();
				id = answer.json().get("upload_id").asText();
			}
			assertThat(second.complete(id, md5(file)).status()).isEqualTo(200);
			assertThat(first.get("/api/uploads").status()).isEqualTo(200);
			assertThat(sessions(jdbc)).isZero();
		}
	}

	private void acrossInstances(String database, String username) throws Exception {
		try (ConfigurableApplicationContext one = start(database, username);
				ConfigurableApplicationContext two = start(database, username)) {
			JdbcTemplate jdbc = one.getBean(JdbcTemplate.class);
			// One cookie jar for both instances, as a browser has behind a balancer: the
			// instances differ only by port, which cookies do not look at.
			CookieBrowser browser = new CookieBrowser();
			String firstUrl = "http://127.0.0.1:" + TwoInstancesIntegrationTests.port(one);
			String secondUrl = "http://127.0.0.1:" + TwoInstancesIntegrationTests.port(two);

			HttpResponse<String> loginPage = browser.get(firstUrl + "/login");
			assertThat(loginPage.statusCode()).isEqualTo(200);
			HttpResponse<String> login = browser.postForm(firstUrl + "/login",
					"username=alice&password=" + HttpTestClient.PASSWORD + "&_csrf=" + encode(csrf(loginPage)));
			assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
			assertThat(login.headers().firstValue("Location")).hasValueSatisfying((to) -> assertThat(to).endsWith("/"));
			assertThat(browser.sessionCookie()).as("session cookie").isNotNull();
			assertThat(jdbc.queryForObject("select count(*) from spring_session where principal_name = 'alice'",
					Integer.class))
				.isEqualTo(1);

			// The page on the other instance knows alice and gives a CSRF token for her
			// session.
			HttpResponse<String> page = browser.get(secondUrl + "/");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(meta(USER_META, page)).isEqualTo("alice");
			String token = csrf(page);

			// A cookie-authenticated chunk with the CSRF header, on the other instance.
			byte[] chunk = randomBytes(1000, 92);
			HttpResponse<String> upload = browser
				.send(HttpRequest.newBuilder(URI.create(secondUrl + "/api/chunked-upload"))
					.header("Content-Type", "application/octet-stream")
					.header("Content-Range", "bytes 0-999/1000")
					.header("Content-Disposition", "attachment; filename=\"session.bin\"")
					.header("X-CSRF-TOKEN", token)
					.POST(BodyPublishers.ofByteArray(chunk)));
			assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
			// and the first instance lists it for the same session.
			HttpResponse<String> uploads = browser.get(firstUrl + "/api/uploads");
			assertThat(uploads.statusCode()).isEqualTo(200);
			assertThat(uploads.body()).contains("session.bin");

			// Logging out on the second instance ends the session on the first as well.
			HttpResponse<String> logout = browser.postForm(secondUrl + "/logout", "_csrf=" + encode(token));
			assertThat(logout.statusCode()).isEqualTo(302);
			assertThat(logout.headers().firstValue("Location"))
				.hasValueSatisfying((to) -> assertThat(to).endsWith("/login?logout"));
			assertThat(sessions(jdbc)).isZero();
			// The login page, which sends a logged-in user on to "/", is for someone
			// anonymous again on the first instance.
			HttpResponse<String> loginAgain = browser.get(firstUrl + "/login");
			assertThat(loginAgain.statusCode()).isEqualTo(200);
			assertThat(loginAgain.body()).doesNotContain("<meta name=\"user\"");
			assertThat(browser.get(firstUrl + "/api/uploads").statusCode()).isEqualTo(401);
			// A page sends a browser, now anonymous, to the login page on either
			// instance.
			// A client that does not say it accepts HTML (the Java client here sends no
			// Accept at all) is answered as a script, 401 with a problem, on a single
			// instance as well: that was the 401 once seen after a logout.
			for (String url : new String[] { firstUrl, secondUrl }) {
				HttpResponse<String> home = browser.getPage(url + "/");
				assertThat(home.statusCode()).as(home.body()).isEqualTo(302);
				assertThat(home.headers().firstValue("Location"))
					.hasValueSatisfying((to) -> assertThat(to).endsWith("/login"));
				HttpResponse<String> bare = browser.get(url + "/");
				assertThat(bare.statusCode()).as(bare.body()).isEqualTo(401);
				assertThat(bare.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			}
		}
	}

	private ConfigurableApplicationContext start(String database, String username) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--chunked-upload.data-dir=" + this.dataDir, "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + username,
				"--chunked-upload.users.alice.password={noop}" + HttpTestClient.PASSWORD, "--spring.jmx.enabled=false");
	}

	private static int sessions(JdbcTemplate jdbc) {
		return jdbc.queryForObject("select count(*) from spring_session", Integer.class);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String csrf(HttpResponse<String> page) {
		return meta(CSRF_META, page);
	}

	private static String meta(Pattern pattern, HttpResponse<String> page) {
		Matcher matcher = pattern.matcher(page.body());
		assertThat(matcher.find()).as("%s in %s", pattern, page.body()).isTrue();
		return matcher.group(1);
	}

	/**
	 * An HTTP client that keeps cookies and does not follow redirects, like a browser.
	 */
	private static final class CookieBrowser {

		private static final String HTML = "text/html";

		private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

		private final HttpClient client = HttpClient.newBuilder()
			.cookieHandler(this.cookies)
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(10))
			.build();

		HttpResponse<String> get(String url) throws Exception {
			return send(HttpRequest.newBuilder(URI.create(url)).GET());
		}

		/** A page as a browser asks for it: it accepts HTML. */
		HttpResponse<String> getPage(String url) throws Exception {
			return send(HttpRequest.newBuilder(URI.create(url))
				.header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
				.GET());
		}

		/**
		 * A form as a browser posts it: it accepts HTML, so it is sent to a page after.
		 */
		HttpResponse<String> postForm(String url, String form) throws Exception {
			return send(HttpRequest.newBuilder(URI.create(url))
				.header("Accept", "text/html,application/xhtml+xml")
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(BodyPublishers.ofString(form)));
		}

		HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
			return this.client.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
		}

		HttpCookie sessionCookie() {
			return this.cookies.getCookieStore()
				.getCookies()
				.stream()
				.filter((cookie) -> cookie.getName().equals("SESSION"))
				.findFirst()
				.orElse(null);
		}

	}

}
