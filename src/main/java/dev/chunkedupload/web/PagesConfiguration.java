package dev.chunkedupload.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The pages of this package in the navigation bar.
 */
@Configuration(proxyBeanMethods = false)
class PagesConfiguration {

	@Bean
	NavLink uploadLink() {
		return new NavLink("upload", "Upload", "/", 10, false);
	}

	@Bean
	NavLink tusLink() {
		return new NavLink("tus", "Upload with tus", "/tus", 15, false);
	}

	@Bean
	NavLink myUploadsLink() {
		return new NavLink("my-uploads", "My uploads", "/#my-uploads", 20, false);
	}

	@Bean
	NavLink flowLink() {
		return new NavLink("flow", "flow.js", "/flow", 40, false);
	}

	@Bean
	NavLink tokensLink() {
		return new NavLink("tokens", "API tokens", "/tokens", 90, false);
	}

	@Bean
	NavLink adminLink() {
		return new NavLink("admin", "Admin", "/admin/uploads", 100, true);
	}

}
