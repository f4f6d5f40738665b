package dev.chunkedupload.problem;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * A problem as this server answers it: a status, a {@code type} of
 * {@code /problems/<slug>} that clients may rely on, a {@code detail} for people and
 * logs, any extra members a client acts on (such as {@code offset}), and the headers its
 * protocol adds (such as {@code Retry-After}).
 */
public final class Problem {

	private final ProblemDetail body;

	private final HttpHeaders headers = new HttpHeaders();

	private Problem(HttpStatusCode status, String slug, String detail) {
		this.body = ProblemDetail.forStatusAndDetail(status, detail);
		this.body.setType(URI.create("/problems/" + slug));
	}

	public static Problem of(HttpStatusCode status, String slug, String detail) {
		return new Problem(status, slug, detail);
	}

	/**
	 * Replaces the detail, for when the exception's message alone does not tell a client
	 * what to do.
	 * @param detail the explanation for people and logs
	 * @return this problem
	 */
	public Problem detail(String detail) {
		this.body.setDetail(detail);
		return this;
	}

	/**
	 * Names a status that has no standard reason phrase (tus's 460), which would
	 * otherwise leave the problem without a title.
	 * @param title the short summary of the problem type
	 * @return this problem
	 */
	public Problem title(String title) {
		this.body.setTitle(title);
		return this;
	}

	/**
	 * Adds a member that clients read besides the standard ones. Members keep the order
	 * in which they are added.
	 * @param name the member's name in the JSON body
	 * @param value its value
	 * @return this problem
	 */
	public Problem with(String name, Object value) {
		this.body.setProperty(name, value);
		return this;
	}

	/**
	 * Sets a response header that the protocol prescribes for this problem.
	 * @param name the header's name
	 * @param value its value
	 * @return this problem
	 */
	public Problem header(String name, String value) {
		this.headers.set(name, value);
		return this;
	}

	/**
	 * The problem as an {@code @ExceptionHandler} method returns it, for Spring MVC to
	 * write.
	 * @return the response: the problem's status, headers and body
	 */
	public ResponseEntity<ProblemDetail> response() {
		return ResponseEntity.status(this.body.getStatus()).headers(this.headers).body(this.body);
	}

	/**
	 * Writes the problem as the whole response, for filters that answer before Spring MVC
	 * and its message converters are reached. The members keep RFC 9457's order.
	 * @param response the response to write
	 * @throws IOException if the response cannot be written
	 */
	public void writeTo(HttpServletResponse response) throws IOException {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", this.body.getType().toString());
		members.put("title", this.body.getTitle());
		members.put("status", this.body.getStatus());
		members.put("detail", this.body.getDetail());
		if (this.body.getProperties() != null) {
			members.putAll(this.body.getProperties());
		}
		members.values().removeIf(Objects::isNull);
		this.headers.toSingleValueMap().forEach(response::setHeader);
		response.setStatus(this.body.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write(JsonMapper.shared().writeValueAsString(members));
	}

}
