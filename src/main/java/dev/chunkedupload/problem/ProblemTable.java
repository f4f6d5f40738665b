package dev.chunkedupload.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;

/**
 * One adapter's answers: which exception becomes which problem. The adapter's
 * {@code @ExceptionHandler} method names the exception types (Spring needs them in the
 * annotation) and asks the table for the answer.
 * <p>
 * An exception is looked up as Spring looks up {@code @ExceptionHandler} methods: the row
 * of its nearest superclass, else that of its cause, and so on down the chain. So one
 * handler method with a table answers exactly as one method per exception type did.
 */
public final class ProblemTable {

	private static final Logger logger = LoggerFactory.getLogger(ProblemTable.class);

	private final Map<Class<? extends Throwable>, Function<Throwable, Problem>> rows = new LinkedHashMap<>();

	private final Map<Integer, Set<String>> documented = new TreeMap<>();

	/**
	 * Answers {@code type} with {@code status} and {@code slug}, and its message as the
	 * detail.
	 * @param type the exception type, and its subclasses that have no row of their own
	 * @param status the status to answer with
	 * @param slug the last segment of the problem's {@code type} URI
	 * @return this table
	 */
	public ProblemTable on(Class<? extends Throwable> type, HttpStatusCode status, String slug) {
		document(status, slug);
		return on(type, (ex) -> Problem.of(status, slug, ex.getMessage()));
	}

	/**
	 * Answers {@code type} with {@code status} and {@code slug}, and its message as the
	 * detail unless {@code details} replaces it; {@code details} also adds the members
	 * and headers that come from the exception.
	 * @param <E> the exception type
	 * @param type the exception type, and its subclasses that have no row of their own
	 * @param status the status to answer with
	 * @param slug the last segment of the problem's {@code type} URI
	 * @param details completes the problem from the exception
	 * @return this table
	 */
	public <E extends Throwable> ProblemTable on(Class<E> type, HttpStatusCode status, String slug,
			BiConsumer<Problem, ? super E> details) {
		document(status, slug);
		return on(type, (ex) -> {
			Problem problem = Problem.of(status, slug, ex.getMessage());
			details.accept(problem, ex);
			return problem;
		});
	}

	/**
	 * Answers {@code type} with the problem that {@code answer} makes of it, for
	 * exceptions that carry their own status or slug.
	 * @param <E> the exception type
	 * @param type the exception type, and its subclasses that have no row of their own
	 * @param answer makes the problem
	 * @return this table
	 */
	public <E extends Throwable> ProblemTable on(Class<E> type, Function<? super E, Problem> answer) {
		this.rows.put(type, (ex) -> answer.apply(type.cast(ex)));
		return this;
	}

	/**
	 * The problem types of the rows with a fixed status, by status, for the API
	 * description (rows whose exception carries its own status are not known here).
	 * @return the slugs (the last segment of each {@code type} URI) by status code
	 */
	public Map<Integer, Set<String>> documented() {
		return Collections.unmodifiableMap(this.documented);
	}

	private void document(HttpStatusCode status, String slug) {
		this.documented.computeIfAbsent(status.value(), (code) -> new TreeSet<>()).add(slug);
	}

	/**
	 * Answers a full store with 507 {@code storage-full} and one that cannot be reached
	 * with 503 {@code storage-unavailable}, both with {@code Retry-After}: the same in
	 * every protocol, as neither kept anything of the request. The store's exception
	 * types are passed in, as this package knows nothing of the store; its other failures
	 * are each adapter's own row.
	 * @param full the store's exception for a full device
	 * @param unavailable the store's exception for a store that cannot be reached (a
	 * superclass of {@code full} is fine: the nearer row wins)
	 * @param retryAfterSeconds when the client should try again
	 * @return this table
	 */
	public ProblemTable onStorageOutages(Class<? extends Throwable> full, Class<? extends Throwable> unavailable,
			int retryAfterSeconds) {
		String retryAfter = String.valueOf(retryAfterSeconds);
		on(full, HttpStatus.INSUFFICIENT_STORAGE, "storage-full",
				(problem, ex) -> problem
					.detail("The storage is full; nothing of this request was kept. Try again once space is freed")
					.header(HttpHeaders.RETRY_AFTER, retryAfter));
		return on(unavailable, HttpStatus.SERVICE_UNAVAILABLE, "storage-unavailable",
				(problem, ex) -> problem
					.detail("The storage cannot be reached for the moment; nothing was acknowledged")
					.header(HttpHeaders.RETRY_AFTER, retryAfter));
	}

	/**
	 * Answers the exceptions of the database layer ({@link DataAccessException},
	 * {@link TransactionException}) as {@link DatabaseFailures} does: 503 with
	 * {@code Retry-After} while the database cannot be reached, else 500. The handler's
	 * annotation names both types.
	 * @return this table
	 */
	public ProblemTable onDatabaseFailures() {
		on(DataAccessException.class, DatabaseFailures::problem);
		return on(TransactionException.class, DatabaseFailures::problem);
	}

	/**
	 * The exception types that have a row, for checking them against the handler's
	 * annotation.
	 * @return the types, in the order of the rows
	 */
	public Set<Class<? extends Throwable>> types() {
		return Collections.unmodifiableSet(this.rows.keySet());
	}

	/**
	 * The answer to {@code ex}. Server errors are logged here with their stack trace, as
	 * the request ends with them; client errors are not, as the answer says it all.
	 * @param ex the exception a handler caught
	 * @return the problem's status, headers and body
	 * @throws IllegalArgumentException if neither the exception nor any of its causes has
	 * a row: the handler's annotation names a type the table lacks
	 */
	public ResponseEntity<ProblemDetail> answer(Throwable ex) {
		for (Throwable candidate = ex; candidate != null; candidate = candidate.getCause()) {
			for (Class<?> type = candidate.getClass(); type != null; type = type.getSuperclass()) {
				Function<Throwable, Problem> row = this.rows.get(type);
				if (row != null) {
					ResponseEntity<ProblemDetail> response = row.apply(candidate).response();
					if (response.getStatusCode().is5xxServerError()) {
						logger.error("Answered {} {}", response.getStatusCode().value(), response.getBody().getType(),
								ex);
					}
					return response;
				}
			}
		}
		throw new IllegalArgumentException("No problem for " + ex.getClass().getName(), ex);
	}

}
