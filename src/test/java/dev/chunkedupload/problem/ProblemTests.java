package dev.chunkedupload.problem;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ProblemTests {

	@Test
	void ofWhenSlugGivenThenTypeUnderProblemsAndTitleFromStatus() {
		ProblemDetail body = Problem.of(HttpStatus.GONE, "upload-expired", "Upload u1 has expired")
			.response()
			.getBody();

		assertThat(body.getType()).isEqualTo(URI.create("/problems/upload-expired"));
		assertThat(body.getStatus()).isEqualTo(410);
		assertThat(body.getTitle()).isEqualTo("Gone");
		assertThat(body.getDetail()).isEqualTo("Upload u1 has expired");
		assertThat(body.getProperties()).isNull();
	}

	@Test
	void ofWhenStatusHasNoReasonPhraseThenUntitledUntilNamed() {
		Problem problem = Problem.of(HttpStatusCode.valueOf(460), "checksum-mismatch", "Wrong checksum");
		assertThat(problem.response().getBody().getTitle()).isNull();

		problem.title("Checksum Mismatch");

		assertThat(problem.response().getBody().getTitle()).isEqualTo("Checksum Mismatch");
		assertThat(problem.response().getBody().getStatus()).isEqualTo(460);
	}

	@Test
	void withWhenMembersAddedThenKeptInTheOrderAdded() {
		ProblemDetail body = Problem.of(HttpStatus.BAD_REQUEST, "upload-incomplete", "Not all bytes")
			.with("total", 50L)
			.with("offset", 5L)
			.response()
			.getBody();

		assertThat(body.getProperties()).containsExactly(entry("total", 50L), entry("offset", 5L));
	}

	@Test
	void detailWhenReplacedThenTheExceptionMessageIsGone() {
		ProblemDetail body = Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "storage-failure", "disk full: /var/x")
			.detail("The server could not read the stored bytes")
			.response()
			.getBody();

		assertThat(body.getDetail()).isEqualTo("The server could not read the stored bytes");
	}

	@Test
	void responseWhenHeaderSetThenStatusHeaderAndBodyTogether() {
		Problem problem = Problem.of(HttpStatus.CONFLICT, "offset-mismatch", "Chunk starts at 20")
			.with("offset", 10L)
			.header("Upload-Offset", "10");

		ResponseEntity<ProblemDetail> response = problem.response();

		assertThat(response.getStatusCode().value()).isEqualTo(409);
		assertThat(response.getHeaders().get("Upload-Offset")).containsExactly("10");
		assertThat(response.getBody().getType()).isEqualTo(URI.create("/problems/offset-mismatch"));
		assertThat(response.getBody().getProperties()).containsExactly(entry("offset", 10L));
	}

	@Test
	void headerWhenSetTwiceThenTheLastValueOnly() {
		ResponseEntity<ProblemDetail> response = Problem.of(HttpStatus.LOCKED, "chunk-busy", "Busy")
			.header(HttpHeaders.RETRY_AFTER, "5")
			.header(HttpHeaders.RETRY_AFTER, "1")
			.response();

		assertThat(response.getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("1");
	}

	@Test
	void responseWhenNoHeadersThenOnlyTheBody() {
		ResponseEntity<ProblemDetail> response = Problem.of(HttpStatus.NOT_FOUND, "upload-not-found", "No u1")
			.response();

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getHeaders().isEmpty()).isTrue();
	}

	@Test
	void writeToWhenWrittenThenStandardMembersInRfcOrderThenExtras() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();

		Problem.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Log in \"first\"")
			.with("realm", "chunked-upload")
			.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"chunked-upload\"")
			.writeTo(response);

		assertThat(response.getStatus()).isEqualTo(401);
		assertThat(response.getContentType()).isEqualTo("application/problem+json;charset=UTF-8");
		assertThat(response.getHeader(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Basic realm=\"chunked-upload\"");
		assertThat(response.getContentAsString()).isEqualTo("{\"type\":\"/problems/unauthenticated\","
				+ "\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"Log in \\\"first\\\"\","
				+ "\"realm\":\"chunked-upload\"}");
	}

	@Test
	void writeToWhenUntitledThenNoTitleMember() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();

		Problem.of(HttpStatusCode.valueOf(460), "checksum-mismatch", "Wrong checksum").writeTo(response);

		assertThat(response.getStatus()).isEqualTo(460);
		assertThat(response.getContentAsString())
			.isEqualTo("{\"type\":\"/problems/checksum-mismatch\",\"status\":460,\"detail\":\"Wrong checksum\"}");
	}

}
