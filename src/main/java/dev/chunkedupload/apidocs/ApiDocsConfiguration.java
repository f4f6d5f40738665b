package dev.chunkedupload.apidocs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The document's header and the customizers that complete springdoc's reading of the
 * controllers. Which paths are described ({@code /api/**}) is in {@code application.yml}
 * ({@code springdoc.paths-to-match}).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

	static final String BASIC = "basic";

	static final String SESSION = "session";

	@Bean
	OpenAPI chunkedUploadOpenApi(ObjectProvider<BuildProperties> build) {
		String version = build.stream().map(BuildProperties::getVersion).findFirst().orElse("dev");
		return new OpenAPI()
			.info(new Info().title("Chunked Upload Server")
				.version(version)
				.description("Resumable uploads of very large files: django-chunked-upload, resumable.js/flow.js, "
						+ "tus 1.0 and Resumable Uploads for HTTP, and the protocol-neutral uploads API. Errors are "
						+ "RFC 9457 problem details (application/problem+json) with a stable `type`.")
				.license(new License().name("see the repository")))
			.components(new Components()
				.addSecuritySchemes(BASIC,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("basic")
							.description("Scripts and clients: no CSRF token needed"))
				.addSecuritySchemes(SESSION,
						new SecurityScheme().type(SecurityScheme.Type.APIKEY)
							.in(SecurityScheme.In.COOKIE)
							.name("SESSION")
							.description("A logged-in browser session: requests that change something also need "
									+ "the CSRF token in the X-CSRF-TOKEN header")))
			.addSecurityItem(new SecurityRequirement().addList(BASIC))
			.addSecurityItem(new SecurityRequirement().addList(SESSION));
	}

	@Bean
	ProblemApiDocs problemApiDocs(ApplicationContext context,
			@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings) {
		return new ProblemApiDocs(context, mappings);
	}

	@Bean
	ProtocolApiDocs protocolApiDocs() {
		return new ProtocolApiDocs();
	}

}
