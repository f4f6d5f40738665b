package dev.chunkedupload.security;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import dev.chunkedupload.security.token.ApiTokens;
import dev.chunkedupload.security.token.BearerTokenFilter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.RequestMatcherDelegatingAccessDeniedHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * One filter chain for API and pages. Scripts use HTTP Basic or an API token
 * ({@code Authorization: Bearer}); browsers log in with a form and keep a session, and
 * then every state-changing request needs the CSRF token. A request that carries its own
 * credentials in {@code Authorization} is exempt from CSRF: a cross-site page cannot set
 * that header.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	static final Duration CREDENTIALS_CACHE_TTL = Duration.ofMinutes(5);

	/**
	 * Pages load scripts, styles and workers from this server only, never inline: an
	 * injected file name could not run, and nothing is fetched from a CDN.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
			+ "form-action 'self'; frame-ancestors 'none'";

	/**
	 * Swagger UI's bundle injects a {@code <style>} element, so its pages allow inline
	 * styles; scripts stay this server's own files, as everywhere.
	 */
	static final String SWAGGER_UI_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'",
			"style-src 'self' 'unsafe-inline'");

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, UserDetailsService users, PasswordEncoder encoder,
			ApiTokens tokens, Clock clock) throws Exception {
		ProblemResponses problems = new ProblemResponses();
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		// Read by programs (scripts, Prometheus, OpenAPI tools): problem details for 401
		// and
		// 403, never a login page, and no request remembered for after a login.
		RequestMatcher api = new OrRequestMatcher(paths.matcher("/api/**"), paths.matcher("/actuator/**"),
				paths.matcher("/v3/api-docs"), paths.matcher("/v3/api-docs/**"));
		RequestMatcher swaggerUi = paths.matcher("/swagger-ui/**");
		RequestMatcher ownCredentials = (HttpServletRequest request) -> request.getHeader("Authorization") != null;
		DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
		passwords.setPasswordEncoder(encoder);
		http.authenticationManager(
				new ProviderManager(new CachingAuthenticationProvider(passwords, CREDENTIALS_CACHE_TTL, clock)));
		// Built here, not a bean: as a bean Boot would also register it with the servlet
		// container, outside this chain.
		http.addFilterBefore(new BearerTokenFilter(tokens, users, ProblemResponses.REALM),
				BasicAuthenticationFilter.class);
		http.authorizeHttpRequests((authorize) -> authorize
			.requestMatchers("/login", "/error", "/actuator/health", "/actuator/health/**", "/css/**", "/js/**",
					"/webjars/**", "/favicon.ico", "/favicon.svg")
			.permitAll()
			// tus and Resumable Uploads discovery: the same static limits for every
			// caller
			.requestMatchers(HttpMethod.OPTIONS, "/api/tus", "/api/tus/**", "/api/rufh", "/api/rufh/**")
			.permitAll()
			.requestMatchers("/admin/**", "/api/admin/**", "/actuator/**")
			.hasRole("ADMIN")
			.anyRequest()
			.authenticated())
			.httpBasic((basic) -> basic.realmName(ProblemResponses.REALM).authenticationEntryPoint(problems))
			.formLogin((form) -> form.loginPage("/login").permitAll())
			.logout((logout) -> logout.logoutSuccessUrl("/login?logout").permitAll())
			.requestCache((cache) -> cache.requestCache(pagesOnly(api)))
			.csrf((csrf) -> csrf.ignoringRequestMatchers(ownCredentials))
			// The CORS mappings that Spring MVC knows (tus and rufh declare theirs, off
			// unless
			// origins are configured), applied before authentication so preflights pass.
			.cors(Customizer.withDefaults())
			.headers((headers) -> headers
				.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(swaggerUi,
						new ContentSecurityPolicyHeaderWriter(SWAGGER_UI_CONTENT_SECURITY_POLICY)))
				.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(new NegatedRequestMatcher(swaggerUi),
						new ContentSecurityPolicyHeaderWriter(CONTENT_SECURITY_POLICY))))
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(problems, api)
				.accessDeniedHandler(apiOnly(api, problems)));
		return http.build();
	}

	/**
	 * Problem details for the API, the error page (templates/error/403.html) for pages.
	 * Registered with {@code defaultAccessDeniedHandlerFor} as the only mapping, the
	 * problem handler would answer every request, pages included.
	 */
	private static AccessDeniedHandler apiOnly(RequestMatcher api, AccessDeniedHandler problems) {
		LinkedHashMap<RequestMatcher, AccessDeniedHandler> handlers = new LinkedHashMap<>();
		handlers.put(api, problems);
		return new RequestMatcherDelegatingAccessDeniedHandler(handlers, new AccessDeniedHandlerImpl());
	}

	/** Remembering a refused API request for after login only makes sense for pages. */
	private static HttpSessionRequestCache pagesOnly(RequestMatcher api) {
		HttpSessionRequestCache cache = new HttpSessionRequestCache();
		cache.setRequestMatcher(new NegatedRequestMatcher(api));
		return cache;
	}

	/**
	 * Spring Security would wrap each of its filters, and every authentication and
	 * authorization, in an observation of its own: about 5 % of a small chunk's CPU
	 * (issue 12's profile), for timings nobody reads. Requests stay observed as a whole
	 * ({@code http.server.requests}).
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	UserDetailsService userDetailsService(UsersProperties properties, JdbcTemplate jdbc, PasswordEncoder encoder) {
		if (properties.users().isEmpty()) {
			return new UserStore(jdbc, encoder);
		}
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		for (Map.Entry<String, UsersProperties.User> entry : properties.users().entrySet()) {
			users.createUser(User.withUsername(entry.getKey())
				.password(withEncoderId(entry.getValue().password()))
				.roles(entry.getValue().roles().toArray(String[]::new))
				.build());
		}
		return users;
	}

	/** A bare bcrypt hash is accepted as configured, as people paste it from htpasswd. */
	private static String withEncoderId(String password) {
		return password.startsWith("$2") ? "{bcrypt}" + password : password;
	}

}
