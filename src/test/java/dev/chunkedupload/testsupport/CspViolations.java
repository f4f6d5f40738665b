package dev.chunkedupload.testsupport;

import java.util.List;
import java.util.Map;

/**
 * Records what the page's Content-Security-Policy blocked (an inline script, a
 * {@code style=""} attribute, a script from elsewhere), so a browser test can say the
 * page works under the policy rather than only that it looks right.
 * <p>
 * {@link #watch(BrowserSession)} once per session, before opening the pages; then
 * {@link #of(BrowserSession)} on each page gives what that page had blocked so far. The
 * listener is added by DevTools before any of the page's own scripts run, and the policy
 * does not apply to it.
 */
public final class CspViolations {

	private static final String LISTENER = """
			window.__cspViolations = [];
			document.addEventListener('securitypolicyviolation', function (event) {
			  window.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline')
			    + ' at ' + (event.sourceFile || document.location.pathname) + ':' + event.lineNumber
			    + (event.sample ? ' (' + event.sample + ')' : ''));
			}, true);""";

	private CspViolations() {
	}

	/** Record violations on every page this session opens from now on. */
	public static void watch(BrowserSession browser) {
		browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", LISTENER));
	}

	/**
	 * What the current page had blocked.
	 * @param browser the session, {@link #watch(BrowserSession) watched}
	 * @return one line per violation
	 * @throws IllegalStateException if the page is not watched
	 */
	@SuppressWarnings("unchecked")
	public static List<String> of(BrowserSession browser) {
		Object violations = browser
			.script("return window.__cspViolations === undefined ? null : window.__cspViolations");
		if (violations == null) {
			throw new IllegalStateException("This page is not watched: call CspViolations.watch(browser) first");
		}
		return (List<String>) violations;
	}

}
