package dev.chunkedupload.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * A browser that asks for a page that does not exist gets the error page
 * (templates/error.html) instead of the problem details that API clients get: with
 * problem details switched on, Spring MVC would answer a missing page with JSON for
 * everyone.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageNotFoundHandler {

	@ExceptionHandler
	ResponseEntity<ProblemDetail> notFound(NoResourceFoundException ex, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		if (isPageRequest(request)) {
			// The container's error dispatch renders the page, as for every other error.
			response.sendError(HttpServletResponse.SC_NOT_FOUND);
			return null;
		}
		return ResponseEntity.status(ex.getStatusCode()).body(ex.getBody());
	}

	private static boolean isPageRequest(HttpServletRequest request) {
		String accept = request.getHeader(HttpHeaders.ACCEPT);
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return accept != null && accept.contains("text/html") && !path.startsWith("/api/");
	}

}
