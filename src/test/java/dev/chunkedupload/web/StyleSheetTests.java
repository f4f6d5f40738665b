package dev.chunkedupload.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared style sheet is edited by every page; an unclosed rule (a merge once dropped
 * one) silently swallows every rule after it, which no page test notices.
 */
class StyleSheetTests {

	@Test
	void appCssWhenReadThenEveryRuleIsClosed() throws IOException {
		String css = Files.readString(Path.of("src/main/resources/static/css/app.css"))
			.replaceAll("(?s)/\\*.*?\\*/", "");
		int depth = 0;
		int line = 1;
		for (char c : css.toCharArray()) {
			if (c == '\n') {
				line++;
			}
			if (c == '{') {
				depth++;
				// rules nest only inside @media blocks, so never deeper than two
				assertThat(depth).as("nesting at line %d", line).isLessThanOrEqualTo(2);
			}
			if (c == '}') {
				depth--;
				assertThat(depth).as("closing brace at line %d", line).isGreaterThanOrEqualTo(0);
			}
		}
		assertThat(depth).as("unclosed rules at the end").isZero();
	}

}
