package dev.chunkedupload.security.token;

import dev.chunkedupload.problem.Problem;
import dev.chunkedupload.problem.ProblemTable;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.http.HttpStatus.BAD_REQUEST;

/**
 * Refused token requests as problem details.
 */
@RestControllerAdvice(basePackageClasses = TokensController.class)
class TokensExceptionHandler {

	private static final ProblemTable problems = new ProblemTable()
		.on(TokenRequestException.class, (ex) -> Problem.of(ex.getStatus(), ex.getType(), ex.getMessage()))
		.on(HttpMessageNotReadableException.class, BAD_REQUEST, "invalid-token-request", (problem, ex) -> problem
			.detail("The body must be JSON: {\"name\": \"...\", \"expires_in_days\": 30} (a whole number of days)"));

	@ExceptionHandler({ TokenRequestException.class, HttpMessageNotReadableException.class })
	ResponseEntity<ProblemDetail> answer(Exception ex) {
		return problems.answer(ex);
	}

}
