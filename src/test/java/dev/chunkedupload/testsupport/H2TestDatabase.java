package dev.chunkedupload.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Runs a Spring test class against its own, empty in-memory H2 database (see
 * {@link H2Database}), in H2's own mode as the server uses it by default: the application
 * context belongs to this class alone and is closed after it. Like
 * {@link PostgresTestDatabase}, a {@code @DataJpaTest} also needs
 * {@code @AutoConfigureTestDatabase(replace = Replace.NONE)} on the test class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextCustomizerFactories(TestDatabaseContextCustomizerFactory.class)
@DirtiesContext
public @interface H2TestDatabase {

}
