package dev.chunkedupload.protocol.tus;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before security on every tus request. It honours {@code X-HTTP-Method-Override}
 * (for clients that cannot send PATCH or DELETE), so that authorization and the CSRF
 * check see the method that will actually run; and it puts {@code Tus-Resumable} on every
 * answer but those to OPTIONS, including the 401 and 403 that security writes itself.
 */
class TusProtocolFilter extends OncePerRequestFilter {

	static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

	private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String override = request.getHeader(METHOD_OVERRIDE);
		HttpServletRequest effective = request;
		if (override != null) {
			String method = override.strip().toUpperCase(Locale.ROOT);
			if (!METHOD.matcher(method).matches()) {
				response.setHeader(TusController.TUS_RESUMABLE, TusController.VERSION);
				response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
				response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				response.getWriter()
					.write("{\"type\":\"/problems/invalid-method-override\",\"title\":\"Bad Request\",\"status\":400,"
							+ "\"detail\":\"" + METHOD_OVERRIDE + " must name an HTTP method\"}");
				return;
			}
			effective = new HttpServletRequestWrapper(request) {

				@Override
				public String getMethod() {
					return method;
				}

			};
		}
		if (!"OPTIONS".equals(effective.getMethod())) {
			response.setHeader(TusController.TUS_RESUMABLE, TusController.VERSION);
		}
		chain.doFilter(effective, response);
	}

}
