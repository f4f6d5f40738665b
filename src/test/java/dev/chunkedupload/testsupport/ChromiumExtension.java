package dev.chunkedupload.testsupport;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Runs {@link EndToEnd} classes: skips or fails them when Chromium is missing, hands each
 * test method a fresh {@link BrowserSession}, and keeps a screenshot of a failure.
 */
class ChromiumExtension
		implements ExecutionCondition, BeforeAllCallback, ParameterResolver, AfterTestExecutionCallback {

	static final Path FAILURES = Path.of("target", "e2e-failures");

	/** Whether the skip was explained on the console yet (once per JVM). */
	static final AtomicBoolean warned = new AtomicBoolean();

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(ChromiumExtension.class);

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (Chromium.installed()) {
			return ConditionEvaluationResult.enabled("Chromium found");
		}
		if (Chromium.required()) {
			// Enabled, so that beforeAll can fail it: a skip would pass unnoticed in CI.
			return ConditionEvaluationResult.enabled("Chromium missing but required");
		}
		String reason = Chromium.missing() + " (or run with -D" + Chromium.REQUIRED_PROPERTY
				+ "=true to make this a failure)";
		if (warned.compareAndSet(false, true)) {
			// Surefire prints only the count of skipped tests; say why once, where it is
			// seen.
			System.err.println("WARNING: browser tests skipped: " + reason);
		}
		return ConditionEvaluationResult.disabled(reason);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (!Chromium.installed()) {
			throw new IllegalStateException(
					Chromium.missing() + "; browser tests are required (-D" + Chromium.REQUIRED_PROPERTY + "=true)");
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == BrowserSession.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		BrowserSession session = Chromium.start();
		extensionContext.getStore(NAMESPACE).put(BrowserSession.class, session);
		String port = serverPort(extensionContext);
		if (port != null) {
			session.port(Integer.parseInt(port));
		}
		return session;
	}

	@Override
	public void afterTestExecution(ExtensionContext context) {
		BrowserSession session = context.getStore(NAMESPACE).get(BrowserSession.class, BrowserSession.class);
		if (session != null && context.getExecutionException().isPresent()) {
			session.saveForDiagnosis(FAILURES,
					context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
		}
	}

	/** The random port of a {@code @SpringBootTest} web environment, if there is one. */
	private static String serverPort(ExtensionContext context) {
		if (!isSpringTest(context.getRequiredTestClass())) {
			return null;
		}
		ApplicationContext application = SpringExtension.getApplicationContext(context);
		return application.getEnvironment().getProperty("local.server.port");
	}

	private static boolean isSpringTest(Class<?> testClass) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, BootstrapWith.class);
	}

}
