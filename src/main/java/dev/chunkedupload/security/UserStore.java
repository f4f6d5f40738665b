package dev.chunkedupload.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Users kept in the database, for a server started without configured users. The first
 * start finds the table empty, creates {@code admin} with a random password and logs that
 * password once; later starts find the user and log nothing.
 */
class UserStore implements UserDetailsService {

	private static final Logger logger = LoggerFactory.getLogger(UserStore.class);

	static final String FIRST_USER = "admin";

	private final JdbcTemplate jdbc;

	UserStore(JdbcTemplate jdbc, PasswordEncoder encoder) {
		this.jdbc = jdbc;
		createFirstUser(encoder);
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		List<UserDetails> users = this.jdbc.query("select username, password, roles from app_user where username = ?",
				(row, i) -> User.withUsername(row.getString(1))
					.password(row.getString(2))
					.roles(row.getString(3).split(","))
					.build(),
				username);
		if (users.isEmpty()) {
			throw new UsernameNotFoundException(username);
		}
		return users.get(0);
	}

	private void createFirstUser(PasswordEncoder encoder) {
		Integer count = this.jdbc.queryForObject("select count(*) from app_user", Integer.class);
		if (count != null && count > 0) {
			return;
		}
		byte[] secret = new byte[18];
		new SecureRandom().nextBytes(secret);
		String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		int inserted = this.jdbc.update("""
				insert into app_user (username, password, roles)
				select ?, ?, ? where not exists (select 1 from app_user)""", FIRST_USER, encoder.encode(password),
				"ADMIN,USER");
		if (inserted == 1) {
			logger.warn("""

					No users are configured: created user '{}' with password '{}'.
					This is shown once. Configure chunked-upload.users.<name>.password and .roles for real use.
					""", FIRST_USER, password);
		}
	}

}
