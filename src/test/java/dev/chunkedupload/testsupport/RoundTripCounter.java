package dev.chunkedupload.testsupport;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the database round trips that request threads make: every statement executed and
 * every commit or rollback, through a proxy around the application's data source.
 * Background threads (the sweeper, lease renewals) are left out, so a test can take the
 * difference around one request. With {@code -Droundtrips.trace=true} (surefire's
 * {@code argLine}) each statement is printed, to see where a request's round trips go.
 */
@TestConfiguration(proxyBeanMethods = false)
public class RoundTripCounter {

	private static final Set<String> ROUND_TRIPS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
			"executeLargeUpdate", "executeLargeBatch", "commit", "rollback");

	private static final Set<String> WRITES = Set.of("executeUpdate", "executeBatch", "executeLargeUpdate",
			"executeLargeBatch");

	private final AtomicInteger count = new AtomicInteger();

	private final AtomicInteger writes = new AtomicInteger();

	/** Round trips made by request threads so far. */
	public int count() {
		return this.count.get();
	}

	/**
	 * Statements that change rows (inserts, updates, deletes) that request threads ran so
	 * far: with auto-commit, each is also a commit.
	 */
	public int writes() {
		return this.writes.get();
	}

	@Bean
	static BeanPostProcessor countingDataSource(
			org.springframework.beans.factory.ObjectProvider<RoundTripCounter> counter) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof DataSource dataSource && !(bean instanceof Counting)) {
					return new Counting(dataSource, counter.getObject());
				}
				return bean;
			}
		};
	}

	private void counted(String method) {
		if (ROUND_TRIPS.contains(method) && Thread.currentThread().getName().startsWith("http-nio")) {
			this.count.incrementAndGet();
			if (WRITES.contains(method)) {
				this.writes.incrementAndGet();
			}
		}
	}

	private static final class Counting extends DelegatingDataSource {

		private final RoundTripCounter counter;

		Counting(DataSource target, RoundTripCounter counter) {
			super(target);
			this.counter = counter;
		}

		@Override
		public Connection getConnection() throws java.sql.SQLException {
			return wrap(super.getConnection(), Connection.class);
		}

		@Override
		public Connection getConnection(String username, String password) throws java.sql.SQLException {
			return wrap(super.getConnection(username, password), Connection.class);
		}

		@SuppressWarnings("unchecked")
		private <T> T wrap(T target, Class<T> type) {
			InvocationHandler handler = (proxy, method, arguments) -> {
				this.counter.counted(method.getName());
				if (Boolean.getBoolean("roundtrips.trace") && Thread.currentThread().getName().startsWith("http-nio")
						&& (method.getName().startsWith("prepare") || ROUND_TRIPS.contains(method.getName()))) {
					System.out.println("TRACE " + method.getName() + " "
							+ ((arguments != null && arguments.length > 0) ? arguments[0] : ""));
				}
				Object result = invoke(target, method, arguments);
				if (result instanceof Statement statement && !(result instanceof Proxy)) {
					Class<?> statementType = method.getReturnType();
					return wrap(statement, (Class<Statement>) statementType);
				}
				return result;
			};
			return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler);
		}

		private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
			try {
				return method.invoke(target, arguments);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
