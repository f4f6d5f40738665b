package dev.chunkedupload.testsupport;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Points {@code spring.datasource.*} at a new database for each test class that carries
 * {@link PostgresTestDatabase} or {@link H2TestDatabase}. The customizer is equal only
 * for the same test class, so the context cache never hands one class's context (and
 * rows) to another.
 */
class TestDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		boolean postgres = TestContextAnnotationUtils.hasAnnotation(testClass, PostgresTestDatabase.class);
		boolean h2 = TestContextAnnotationUtils.hasAnnotation(testClass, H2TestDatabase.class);
		if (postgres && h2) {
			throw new IllegalStateException(testClass.getName() + " asks for both PostgreSQL and H2");
		}
		if (postgres) {
			return new TestDatabaseContextCustomizer(testClass, Kind.POSTGRES);
		}
		if (h2) {
			return new TestDatabaseContextCustomizer(testClass, Kind.H2);
		}
		return null;
	}

	enum Kind {

		POSTGRES(PostgresDatabase::newDatabase, PostgresDatabase.USERNAME, PostgresDatabase.PASSWORD),

		H2(H2Database::newDatabase, H2Database.USERNAME, H2Database.PASSWORD);

		private final Supplier<String> newDatabase;

		private final String username;

		private final String password;

		Kind(Supplier<String> newDatabase, String username, String password) {
			this.newDatabase = newDatabase;
			this.username = username;
			this.password = password;
		}

	}

	/**
	 * Creates the database when the context is created, not when the test class is
	 * discovered.
	 */
	record TestDatabaseContextCustomizer(Class<?> testClass, Kind kind) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			TestPropertyValues
				.of("spring.datasource.url=" + this.kind.newDatabase.get(),
						"spring.datasource.username=" + this.kind.username,
						"spring.datasource.password=" + this.kind.password)
				.applyTo(context);
		}

	}

}
