package dev.chunkedupload.security;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Users configured in properties. When none are configured, users are kept in the
 * database and the first start creates an administrator.
 *
 * @param users users by name
 */
@Validated
@ConfigurationProperties("chunked-upload")
record UsersProperties(@DefaultValue Map<String, @Valid User> users) {

	/**
	 * One configured user.
	 *
	 * @param password a bcrypt hash ({@code $2a$...} or {@code {bcrypt}$2a$...}) or a
	 * plain password marked {@code {noop}}
	 * @param roles role names without the {@code ROLE_} prefix, e.g. {@code USER},
	 * {@code ADMIN}
	 */
	record User(@NotBlank String password, @DefaultValue("USER") @NotEmpty List<String> roles) {

	}

}
