package dev.chunkedupload.problem;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import static org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR;
import static org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;

/**
 * The answer to an exception of the database layer. A database that cannot be reached
 * (stopped, restarting, network gone, pool exhausted) is a condition that passes: the
 * request changed nothing that was acknowledged (the core records an offset only in a
 * transaction that committed), so it is 503 with {@code Retry-After}, which every client
 * of these protocols retries. Anything else from the database stays a server error.
 */
public final class DatabaseFailures {

	/** How long a client should wait before it tries again, in seconds. */
	public static final int RETRY_AFTER_SECONDS = 5;

	private DatabaseFailures() {
	}

	/**
	 * Whether an exception, or one of its causes, says the database cannot be reached.
	 * JDBC drivers and Hibernate do not all translate a lost connection into one type, so
	 * SQL states of class 08 (connection exception) and 57P (PostgreSQL's operator
	 * intervention: shutdown, restart) count as well.
	 * @param ex the exception
	 * @return {@code true} if the database is unavailable
	 */
	public static boolean unavailable(Throwable ex) {
		for (Throwable candidate = ex; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof DataAccessResourceFailureException
					|| candidate instanceof CannotCreateTransactionException
					|| candidate instanceof TransientDataAccessResourceException
					|| candidate instanceof QueryTimeoutException
					|| candidate instanceof SQLTransientConnectionException
					|| candidate instanceof SQLNonTransientConnectionException
					|| candidate instanceof SQLRecoverableException
					// Commit or rollback failed on the connection itself: the connection
					// was
					// lost, and the pool's closed proxy hides the first error's SQL
					// state.
					|| candidate instanceof TransactionSystemException
					|| candidate instanceof org.hibernate.TransactionException) {
				return true;
			}
			if (candidate instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The problem for an exception of the database layer.
	 * @param ex the exception
	 * @return 503 {@code database-unavailable} with {@code Retry-After}, or 500
	 * {@code database-failure}
	 */
	public static Problem problem(Throwable ex) {
		if (unavailable(ex)) {
			return Problem
				.of(SERVICE_UNAVAILABLE, "database-unavailable",
						"The database cannot be reached for the moment; nothing of this request was acknowledged")
				.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
		}
		return Problem.of(INTERNAL_SERVER_ERROR, "database-failure", "The database refused a change");
	}

}
