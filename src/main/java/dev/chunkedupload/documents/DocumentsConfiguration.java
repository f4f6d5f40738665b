package dev.chunkedupload.documents;

import dev.chunkedupload.web.NavLink;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Documents in the navigation bar.
 */
@Configuration(proxyBeanMethods = false)
class DocumentsConfiguration {

	@Bean
	NavLink documentsLink() {
		return new NavLink("documents", "Documents", "/documents", 30, false);
	}

}
