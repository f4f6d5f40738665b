package dev.chunkedupload.problem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@ExtendWith(OutputCaptureExtension.class)
class ProblemTableTests {

	private final ProblemTable table = new ProblemTable()
		.on(FileNotFoundException.class, HttpStatus.NOT_FOUND, "missing")
		.on(IOException.class, HttpStatus.INTERNAL_SERVER_ERROR, "io-failure",
				(problem, ex) -> problem.detail("The server could not read it"))
		.on(IllegalStateException.class, HttpStatus.CONFLICT, "busy",
				(problem, ex) -> problem.with("retry", true).header("Retry-After", "1"))
		.on(IllegalArgumentException.class,
				(ex) -> Problem.of(HttpStatus.BAD_REQUEST, "bad-" + ex.getMessage(), "Bad " + ex.getMessage()));

	@Test
	void answerWhenTypeHasRowThenItsStatusTypeAndMessageAsDetail() {
		ResponseEntity<ProblemDetail> response = this.table.answer(new FileNotFoundException("No such upload"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getBody().getType()).isEqualTo(URI.create("/problems/missing"));
		assertThat(response.getBody().getTitle()).isEqualTo("Not Found");
		assertThat(response.getBody().getDetail()).isEqualTo("No such upload");
	}

	@Test
	void answerWhenRowCompletesTheProblemThenMembersAndHeadersFromIt() {
		ResponseEntity<ProblemDetail> response = this.table.answer(new IllegalStateException("locked"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(response.getBody().getDetail()).isEqualTo("locked");
		assertThat(response.getBody().getProperties()).containsEntry("retry", true);
		assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("1");
	}

	@Test
	void answerWhenRowMakesTheProblemThenStatusAndSlugFromTheException() {
		ResponseEntity<ProblemDetail> response = this.table.answer(new IllegalArgumentException("range"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody().getType()).isEqualTo(URI.create("/problems/bad-range"));
		assertThat(response.getBody().getDetail()).isEqualTo("Bad range");
	}

	@Test
	void answerWhenSubclassHasNoRowThenNearestSuperclassRow() {
		// NumberFormatException extends IllegalArgumentException
		ResponseEntity<ProblemDetail> response = this.table.answer(new NumberFormatException("digits"));

		assertThat(response.getBody().getType()).isEqualTo(URI.create("/problems/bad-digits"));
	}

	@Test
	void answerWhenSubclassAndSuperclassHaveRowsThenSubclassRowWhateverTheOrder() {
		ProblemTable superclassFirst = new ProblemTable().on(IOException.class, HttpStatus.BAD_REQUEST, "io")
			.on(FileNotFoundException.class, HttpStatus.NOT_FOUND, "missing");

		ResponseEntity<ProblemDetail> response = superclassFirst.answer(new FileNotFoundException("gone"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void answerWhenOnlyTheCauseHasRowThenTheCauseIsAnswered() {
		ResponseEntity<ProblemDetail> response = this.table
			.answer(new RuntimeException("wrapper", new FileNotFoundException("inner")));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getBody().getDetail()).isEqualTo("inner");
	}

	@Test
	void answerWhenExceptionAndCauseHaveRowsThenTheExceptionWins() {
		ResponseEntity<ProblemDetail> response = this.table
			.answer(new IllegalStateException("outer", new FileNotFoundException("inner")));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(response.getBody().getDetail()).isEqualTo("outer");
	}

	@Test
	void answerWhenNeitherExceptionNorCauseHasRowThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.table.answer(new ArithmeticException("zero")))
			.withMessageContaining("java.lang.ArithmeticException");
	}

	@Test
	void answerWhenServerErrorThenLoggedWithStackTrace(CapturedOutput output) {
		ResponseEntity<ProblemDetail> response = this.table
			.answer(new UncheckedIOException(new IOException("disk on fire")));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(response.getBody().getDetail()).isEqualTo("The server could not read it");
		assertThat(output.getOut()).contains("ERROR", "Answered 500 /problems/io-failure", "disk on fire",
				"at dev.chunkedupload.problem.ProblemTableTests");
	}

	@Test
	void answerWhenClientErrorThenNothingLogged(CapturedOutput output) {
		this.table.answer(new FileNotFoundException("No such upload"));

		assertThat(output.getOut()).doesNotContain("Answered", "No such upload");
	}

	@Test
	void typesWhenRowsAddedThenInTheOrderOfTheRows() {
		assertThat(this.table.types()).containsExactly(FileNotFoundException.class, IOException.class,
				IllegalStateException.class, IllegalArgumentException.class);
	}

}
