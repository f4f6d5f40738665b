package dev.chunkedupload;

import java.io.ByteArrayInputStream;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.chunkedupload.security.token.ApiTokens;
import dev.chunkedupload.security.token.NewToken;
import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.PostgresTestDatabase;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;
import dev.chunkedupload.upload.UploadService;
import dev.chunkedupload.upload.error.QuotaExceededException;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadDetails;
import dev.chunkedupload.upload.model.UploadProtocol;
import dev.chunkedupload.upload.quota.QuotaUsage;
import dev.chunkedupload.upload.quota.UserQuotas;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token table (Flyway V6) and the quota's usage query on a real PostgreSQL; the
 * full-stack tests run them on H2.
 */
@PostgresTestDatabase
@SpringBootTest(properties = "chunked-upload.quota.max-bytes-per-user=100000")
@Import(TestClockConfiguration.class)
class TokensAndQuotasPostgresTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("chunked-upload.data-dir", () -> ServerTestSupport.newDataDir().toString());
		ServerTestSupport.registerUsers(registry);
	}

	@Autowired
	ApiTokens tokens;

	@Autowired
	UserQuotas quotas;

	@Autowired
	UploadService uploads;

	@Autowired
	MutableClock clock;

	@Test
	void tokensWhenCreatedUsedExpiredAndRevokedThenAuthenticateOnlyWhileValid() {
		NewToken created = this.tokens.create("alice", "pg", 2);
		assertThat(this.tokens.authenticate(created.token())).hasValueSatisfying((holder) -> {
			assertThat(holder.owner()).isEqualTo("alice");
			assertThat(holder.tokenId()).isEqualTo(created.id());
		});
		assertThat(this.tokens.list("alice")).singleElement()
			.satisfies((token) -> assertThat(token.lastUsed()).isNotNull());
		assertThat(this.tokens.authenticate(created.token().replace('a', 'b'))).isEmpty();
		this.clock.advance(Duration.ofDays(2));
		assertThat(this.tokens.authenticate(created.token())).isEmpty();
		assertThat(this.tokens.list("alice")).singleElement()
			.satisfies((token) -> assertThat(token.expired()).isTrue());
		NewToken other = this.tokens.create("alice", "pg 2", 2);
		this.tokens.revoke("alice", other.id());
		assertThat(this.tokens.authenticate(other.token())).isEmpty();
	}

	@Test
	void quotaWhenUsageCountedOnPostgresThenStoredAndDeclaredBytesAndARefusal() {
		ChunkedUpload declared = this.uploads.create("bob", UploadProtocol.TUS,
				new UploadDetails("d.bin", null, null, null), new Chunk(0, 10L, 50_000L, false, true),
				new ByteArrayInputStream(new byte[10]));
		ChunkedUpload whole = this.uploads.start("bob", UploadProtocol.CHUNKED, "whole.bin",
				new Chunk(0, null, null, true, false), new ByteArrayInputStream(randomBytes(30_000, 1)));
		assertThat(this.quotas.usageOf("bob").bytesInFlight()).isEqualTo(80_000);
		this.uploads.complete("bob", whole.getId(), null);
		QuotaUsage usage = this.quotas.usageOf("bob");
		assertThat(usage.bytesStored()).isEqualTo(30_000);
		assertThat(usage.bytesInFlight()).isEqualTo(50_000);
		assertThat(usage.incompleteUploads()).isEqualTo(1);
		assertThat(usage.maxBytes()).isEqualTo(100_000);
		assertThat(declared.getOffset()).isEqualTo(10);
		assertThatExceptionOfType(QuotaExceededException.class)
			.isThrownBy(() -> this.uploads.start("bob", UploadProtocol.CHUNKED, "more.bin",
					new Chunk(0, 10L, 30_000L, false, false), new ByteArrayInputStream(new byte[10])));
		assertThat(this.quotas.usage()).anySatisfy((user) -> assertThat(user.user()).isEqualTo("bob"));
	}

}
