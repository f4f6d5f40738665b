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
 * Runs a Spring test class against its own, empty database on a real PostgreSQL server
 * (see {@link PostgresDatabase}): {@code spring.datasource.*} point at it, and the
 * application context belongs to this class alone and is closed after it. Works with
 * {@code @SpringBootTest} and with slice tests; a slice that swaps the data source for an
 * embedded one, such as {@code @DataJpaTest}, also needs
 * {@code @AutoConfigureTestDatabase(replace = Replace.NONE)} on the test class (declared
 * here, it would compete with the slice's own, equally distant, meta-annotation).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextCustomizerFactories(TestDatabaseContextCustomizerFactory.class)
@DirtiesContext
public @interface PostgresTestDatabase {

}
