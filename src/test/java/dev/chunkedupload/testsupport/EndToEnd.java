package dev.chunkedupload.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that drives a real Chromium: test methods take a {@link BrowserSession}
 * parameter, a fresh browser with an empty profile, quit after the method. In a
 * {@code @SpringBootTest} on a random port the session already points at that server.
 * <p>
 * Without Chromium the class is skipped with a message saying how to install it, unless
 * the system property {@code e2e.required} is {@code true} (CI), then it fails. A failing
 * test leaves a screenshot and the page's HTML in {@code target/e2e-failures}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("e2e")
@ExtendWith(ChromiumExtension.class)
public @interface EndToEnd {

}
