package dev.chunkedupload.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.chunkedupload.problem.Problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * API clients get {@code application/problem+json} for 401 and 403, never a login page.
 * <p>
 * The Basic challenge is left out for requests a browser makes (they carry
 * {@code Sec-Fetch-Mode}): a browser that saw it would show its own login dialog and then
 * attach the typed credentials to cross-site requests too, which would defeat the rule
 * that requests with an {@code Authorization} header skip CSRF checks.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

	static final String REALM = "chunked-upload";

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		Problem problem = Problem.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
				"Authentication is required: HTTP Basic, an API token (Bearer) or a logged-in session.");
		if (request.getHeader("Sec-Fetch-Mode") == null) {
			problem.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
		}
		problem.writeTo(response);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		if (accessDeniedException instanceof CsrfException && !isAuthenticated()) {
			// The CSRF check runs before authentication: for a caller who sent no
			// credentials at all, "log in" is the useful answer, not "token missing".
			commence(request, response, null);
			return;
		}
		Problem.of(HttpStatus.FORBIDDEN, "forbidden",
				"Not allowed. Session requests that change something need the CSRF token in the X-CSRF-TOKEN header.")
			.writeTo(response);
	}

	private static boolean isAuthenticated() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return authentication != null && authentication.isAuthenticated()
				&& !(authentication instanceof AnonymousAuthenticationToken);
	}

}
