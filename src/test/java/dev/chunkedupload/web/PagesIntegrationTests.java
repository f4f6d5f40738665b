package dev.chunkedupload.web;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.ServerTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The pages as HTTP sees them, without a browser: what they render, who may see them, and
 * the assets they load from this server.
 */
@SpringBootTest(properties = { "chunked-upload.web.chunk-size=8MB", "chunked-upload.max-chunk-size=1MB",
		"chunked-upload.sweep-interval=1h" })
@AutoConfigureMockMvc
class PagesIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@Autowired
	MockMvc mvc;

	@Test
	void loginPageWhenAnonymousThenFormWithCsrfTokenInMetaTags() throws Exception {
		this.mvc.perform(get("/login").accept(MediaType.TEXT_HTML))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
			.andExpect(content().string(allOf(containsString("<meta name=\"_csrf\" content=\""),
					containsString("<meta name=\"_csrf_header\" content=\"X-CSRF-TOKEN\">"),
					containsString("name=\"username\""), containsString("name=\"password\""),
					containsString("name=\"_csrf\" value=\""), not(containsString("Wrong user name")))))
			.andExpect(header().string("Content-Security-Policy", containsString("script-src 'self'")));
	}

	@Test
	void loginWhenWrongPasswordThenBackToTheFormWithAnError() throws Exception {
		this.mvc.perform(formLogin("/login").user("alice").password("wrong")).andExpect(redirectedUrl("/login?error"));
		this.mvc.perform(get("/login").param("error", ""))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Wrong user name or password")));
	}

	@Test
	void loginWhenRightPasswordThenTheUploadPage() throws Exception {
		this.mvc.perform(formLogin("/login").user("alice").password(HttpTestClient.PASSWORD))
			.andExpect(redirectedUrl("/"));
	}

	@Test
	void loginPageWhenAlreadyLoggedInThenTheUploadPage() throws Exception {
		this.mvc.perform(get("/login").with(user("alice"))).andExpect(redirectedUrl("/"));
	}

	@Test
	void logoutThenTheLoginPageSaysSo() throws Exception {
		this.mvc.perform(post("/logout").with(user("alice")).with(csrf()).accept(MediaType.TEXT_HTML))
			.andExpect(redirectedUrl("/login?logout"));
		this.mvc.perform(get("/login").param("logout", ""))
			.andExpect(content().string(containsString("You have been logged out")));
	}

	@Test
	void uploadPageWhenLoggedInThenChunkSizeCappedAtTheLargestChunkTheServerTakes() throws Exception {
		this.mvc.perform(get("/").with(user("alice")))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("data-chunk-size=\"1048576\""),
					containsString("data-chunk-url=\"/api/chunked-upload\""),
					containsString("data-complete-url=\"/api/chunked-upload/complete\""),
					containsString("data-parallel-uploads=\"3\""),
					containsString("chunks of <span id=\"chunk-size-text\">1.00 MiB"),
					containsString("<meta name=\"user\" content=\"alice\">"), containsString("type=\"file\""),
					containsString("multiple"), not(containsString("data-nav=\"admin\"")))));
	}

	@Test
	void uploadPageWhenAdministratorThenTheNavigationLinksTheAdminPage() throws Exception {
		this.mvc.perform(get("/").with(user("root").roles("USER", "ADMIN")))
			.andExpect(content().string(containsString("data-nav=\"admin\"")));
	}

	@Test
	void pagesWhenLoadedThenNoScriptOrStyleFromElsewhere() throws Exception {
		String page = this.mvc.perform(get("/").with(user("alice"))).andReturn().getResponse().getContentAsString();
		assertThat(page).doesNotContain("http://", "https://", "<script>", "style=\"", "onclick", "onload");
		// The resource chain writes the WebJars' versions into the URLs.
		assertThat(page).containsPattern("<script src=\"/webjars/jquery/3\\.[0-9.]+/jquery.min.js\"></script>")
			.containsPattern(
					"<script src=\"/webjars/blueimp-file-upload/10\\.31\\.0/js/jquery.fileupload.js\"></script>")
			.containsPattern("data-spark-md5-url=\"/webjars/spark-md5/[0-9.]+/spark-md5.min.js\"");
	}

	@Test
	void tusPageWhenLoggedInThenTusJsClientFromThisServerAndItsSettingsInDataAttributes() throws Exception {
		String page = this.mvc.perform(get("/tus").with(user("alice")))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(page)
			.contains("data-endpoint=\"/api/tus\"", "data-uploads-url=\"/api/uploads\"", "data-chunk-size=\"1048576\"",
					"data-parallel-uploads=\"3\"", "<span id=\"chunk-size-text\">1.00 MiB</span>",
					"<script src=\"/vendor/tus-js-client/tus.min.js\"></script>",
					"<script src=\"/js/tus-upload.js\"></script>", "<script src=\"/js/my-uploads.js\"></script>",
					"id=\"my-uploads\"", "<meta name=\"_csrf_header\" content=\"X-CSRF-TOKEN\">", "id=\"tus-parts\"")
			.contains("<a href=\"/tus\" aria-current=\"page\" data-nav=\"tus\" class=\"active\">Upload with tus</a>")
			.containsPattern("data-spark-md5-url=\"/webjars/spark-md5/[0-9.]+/spark-md5.min.js\"")
			.doesNotContain("http://", "https://", "<script>", "style=\"", "onclick", "onload");
		this.mvc.perform(get("/tus").accept(MediaType.TEXT_HTML))
			.andExpect(status().isFound())
			.andExpect(header().string("Location", containsString("/login")));
	}

	@Test
	void tusPageScriptsWhenRequestedThenServedWithTheLicence() throws Exception {
		for (String path : new String[] { "/vendor/tus-js-client/tus.min.js", "/vendor/tus-js-client/LICENSE",
				"/js/tus-upload.js" }) {
			MvcResult result = this.mvc.perform(get(path).with(user("alice"))).andReturn();
			assertThat(result.getResponse().getStatus()).as(path).isEqualTo(200);
			assertThat(result.getResponse().getContentAsByteArray()).as(path).isNotEmpty();
		}
	}

	@Test
	void webjarsWhenVersionFreePathsThenServedWithoutLogin() throws Exception {
		for (String path : new String[] { "/webjars/jquery/jquery.min.js",
				"/webjars/blueimp-file-upload/js/vendor/jquery.ui.widget.js",
				"/webjars/blueimp-file-upload/js/jquery.fileupload.js", "/webjars/spark-md5/spark-md5.min.js",
				"/js/upload.js", "/js/md5-worker.js", "/js/csrf.js", "/css/app.css" }) {
			MvcResult result = this.mvc.perform(get(path)).andReturn();
			assertThat(result.getResponse().getStatus()).as(path).isEqualTo(200);
			assertThat(result.getResponse().getContentAsByteArray()).as(path).isNotEmpty();
		}
	}

	@Test
	void missingPageWhenBrowserThenErrorPageAndWhenApiClientThenProblem() throws Exception {
		this.mvc.perform(get("/no-such-page").with(user("alice")).accept(MediaType.TEXT_HTML))
			.andExpect(status().isNotFound())
			.andExpect(content().string(not(containsString("problem"))));
		this.mvc.perform(get("/no-such-page").with(user("alice")).accept(MediaType.ALL))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(get("/api/no-such-thing").with(user("alice")).accept(MediaType.TEXT_HTML))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.instance").value("/api/no-such-thing"));
	}

	@Test
	void adminPageWhenUserThen403ForTheErrorPageNotAProblem() throws Exception {
		this.mvc.perform(get("/admin/uploads").with(user("alice")).accept(MediaType.TEXT_HTML))
			.andExpect(status().isForbidden())
			.andExpect(content().string(not(containsString("problems/forbidden"))));
	}

	@Test
	void adminPageWhenAdministratorThenEveryUsersUploadsWithNamesEscaped() throws Exception {
		String alices = startUpload("alice", "<img src=x onerror=alert(1)>.txt");
		String bobs = startUpload("bob", "bob's notes.txt");
		this.mvc.perform(get("/admin/uploads").with(admin()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("data-upload-id=\"" + alices + "\""),
					containsString("data-upload-id=\"" + bobs + "\""),
					containsString("&lt;img src=x onerror=alert(1)&gt;.txt"), not(containsString("<img")))));
		this.mvc.perform(get("/admin/uploads").param("user", "bob").with(admin()))
			.andExpect(content().string(allOf(containsString("data-upload-id=\"" + bobs + "\""),
					not(containsString("data-upload-id=\"" + alices + "\"")))));
	}

	@Test
	void adminSweepWhenNoCsrfTokenThenRefusedAndWithItDone() throws Exception {
		this.mvc.perform(post("/admin/uploads/sweep").with(admin())).andExpect(status().isForbidden());
		this.mvc.perform(post("/admin/uploads/sweep").with(admin()).with(csrf()).param("status", "expired"))
			.andExpect(redirectedUrl("/admin/uploads?status=expired"))
			.andExpect(flash().attribute("message", containsString("Expiry sweep done: 0 uploads expired")));
	}

	@Test
	void adminDeleteWhenAdministratorThenTheUploadIsAborted() throws Exception {
		String id = startUpload("alice", "to-delete.bin");
		this.mvc.perform(post("/admin/uploads/" + id + "/delete").with(admin()).with(csrf()).param("user", "alice"))
			.andExpect(redirectedUrl("/admin/uploads?user=alice"))
			.andExpect(flash().attribute("message", containsString("Deleted to-delete.bin of alice")));
		this.mvc.perform(get("/api/uploads/" + id).with(httpBasic("alice", HttpTestClient.PASSWORD)))
			.andExpect(jsonPath("$.status").value("aborted"));
		this.mvc.perform(post("/admin/uploads/" + id + "0/delete").with(admin()).with(csrf()))
			.andExpect(redirectedUrl("/admin/uploads"))
			.andExpect(flash().attribute("error", containsString("There is no upload")));
	}

	@Test
	void sweepApiWhenUserThen403ProblemAndWhenAdministratorThenCount() throws Exception {
		this.mvc.perform(post("/api/admin/sweep").with(httpBasic("alice", HttpTestClient.PASSWORD)))
			.andExpect(status().isForbidden())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(post("/api/admin/sweep").with(httpBasic("root", HttpTestClient.PASSWORD)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.expired").value(0));
	}

	@Test
	void uploadsApiWhenSessionThenListsWithoutCsrfAndDeleteNeedsIt() throws Exception {
		// Sessions live in the database (Spring Session): the browser carries the SESSION
		// cookie, not a container session.
		Cookie session = this.mvc.perform(formLogin("/login").user("alice").password(HttpTestClient.PASSWORD))
			.andReturn()
			.getResponse()
			.getCookie("SESSION");
		assertThat(session).as("session cookie").isNotNull();
		String id = startUpload("alice", "session.bin");
		this.mvc.perform(get("/api/uploads").cookie(session))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[?(@.upload_id == '" + id + "')]").exists());
		this.mvc
			.perform(withSession(
					org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/uploads/" + id),
					session))
			.andExpect(status().isForbidden());
		this.mvc
			.perform(withSession(
					org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/uploads/" + id),
					session)
				.with(csrf().asHeader()))
			.andExpect(status().isNoContent());
	}

	private static MockHttpServletRequestBuilder withSession(MockHttpServletRequestBuilder request, Cookie session) {
		return request.cookie(session);
	}

	private String startUpload(String user, String filename) throws Exception {
		String body = this.mvc
			.perform(post("/api/chunked-upload").with(httpBasic(user, HttpTestClient.PASSWORD))
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.header("Content-Range", "bytes 0-9/20")
				.header("Content-Disposition", "attachment; filename=\"" + filename.replace("\"", "") + "\"")
				.content(new byte[10]))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return body.replaceAll(".*\"upload_id\":\"([0-9a-f]{32})\".*", "$1");
	}

	private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
		return user("root").roles("USER", "ADMIN");
	}

}
