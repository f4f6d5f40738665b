package dev.chunkedupload.upload.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.chunkedupload.upload.concat.UploadPart;
import dev.chunkedupload.upload.concat.UploadPartRepository;
import dev.chunkedupload.upload.error.InvalidUploadRequestException;
import dev.chunkedupload.upload.hash.ResumableMd5;
import dev.chunkedupload.upload.lease.UploadLeaseStatements;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link UploadRepository} against a real database, run once per supported database by
 * the subclasses. Nothing here runs inside a test transaction: the lease statements are
 * meant to race between connections, and a row must be committed to be raced for.
 */
@DataJpaTest(showSql = false)
@AutoConfigureTestDatabase(replace = Replace.NONE)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Timeout(60)
@Import(UploadLeaseStatements.class)
abstract class AbstractUploadRepositoryTests {

	/** Microsecond precision, as the columns keep. */
	private static final Instant NOW = Instant.parse("2025-03-30T01:30:00.123456Z");

	private static final Duration LEASE = Duration.ofSeconds(60);

	private static final Duration EXPIRATION = Duration.ofHours(24);

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	private UploadRepository repository;

	@Autowired
	private UploadPartRepository parts;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private UploadLeaseStatements leases;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private EntityManagerFactory entityManagerFactory;

	@Autowired
	private Flyway flyway;

	private ExecutorService executor;

	/**
	 * The database product name the subclass's database reports.
	 * @return the expected {@code DatabaseMetaData#getDatabaseProductName()}
	 */
	abstract String expectedDatabaseProductName();

	@BeforeEach
	void deleteUploads() {
		this.jdbc.update("delete from upload_part");
		this.jdbc.update("delete from upload");
	}

	@AfterEach
	void stopThreads() throws InterruptedException {
		if (this.executor != null) {
			this.executor.shutdownNow();
			assertThat(this.executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void contextWhenStartedThenFlywayMigratedTheExpectedDatabaseAndHibernateValidatedIt() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo(expectedDatabaseProductName());
		}
		assertThat(this.flyway.info().applied()).extracting((migration) -> migration.getVersion().getVersion())
			.containsExactlyElementsOf(migrationVersionsOnClasspath());
		assertThat(this.flyway.info().pending()).isEmpty();
		assertThat(this.entityManagerFactory.getProperties()).containsEntry("hibernate.hbm2ddl.auto", "validate");
	}

	@Test
	void saveWhenUploadingAndLeasedThenEveryColumnRoundTrips() {
		String id = newId();
		ChunkedUpload upload = ChunkedUpload.leased(id, "alice", UploadProtocol.TUS, "Résumé 2025.pdf", 1000L,
				"chunked_uploads/2025/03/30/" + id + ".part", NOW, EXPIRATION, "lease-token", LEASE);
		ResumableMd5 md5 = new ResumableMd5();
		byte[] bytes = "the first hundred bytes, more or less".repeat(3).getBytes(StandardCharsets.UTF_8);
		md5.update(bytes, 0, bytes.length);
		byte[] hashState = md5.saveState();
		upload.append(bytes.length, hashState, false, NOW.plusSeconds(5), EXPIRATION);

		ChunkedUpload saved = this.repository.save(upload);
		ChunkedUpload found = this.repository.findById(id).orElseThrow();

		assertThat(found).isNotSameAs(saved);
		assertThat(found).usingRecursiveComparison().isEqualTo(saved);
		assertThat(found.getOwner()).isEqualTo("alice");
		assertThat(found.getProtocol()).isEqualTo(UploadProtocol.TUS);
		assertThat(found.getFilename()).isEqualTo("Résumé 2025.pdf");
		assertThat(found.getTotalLength()).contains(1000L);
		assertThat(found.getOffset()).isEqualTo(bytes.length);
		assertThat(found.getStatus()).isEqualTo(UploadStatus.UPLOADING);
		assertThat(found.getCreatedAt()).isEqualTo(NOW);
		assertThat(found.getLastActivityAt()).isEqualTo(NOW.plusSeconds(5));
		assertThat(found.getExpiresAt()).contains(NOW.plusSeconds(5).plus(EXPIRATION));
		assertThat(found.getCompletedAt()).isEmpty();
		assertThat(found.getMd5()).isEmpty();
		assertThat(found.getHashState()).isEqualTo(hashState);
		assertThat(ResumableMd5.restore(found.getHashState())).isEqualTo(md5);
		assertThat(found.getStorageKey()).isEqualTo("chunked_uploads/2025/03/30/" + id + ".part");
		assertThat(found.isLeasedBy("lease-token", NOW)).isTrue();
		assertThat(found.isLeasedBy("lease-token", NOW.plus(LEASE))).isTrue();
		assertThat(found.isLeasedBy("lease-token", NOW.plus(LEASE).plusNanos(1000))).isFalse();
		// What the database itself holds, not only what Hibernate reads back
		assertThat(this.jdbc.queryForObject("select hash_state from upload where upload_id = ?", byte[].class, id))
			.isEqualTo(hashState);
		assertThat(this.jdbc.queryForObject(
				"select count(*) from upload where upload_id = ? and created_at = timestamp with time zone '2025-03-30 01:30:00.123456+00:00'",
				Integer.class, id))
			.isOne();
		assertThat(leaseUntil(id)).isEqualTo(NOW.plus(LEASE));
	}

	@Test
	void saveWhenCompleteThenEveryColumnRoundTrips() {
		String id = newId();
		ChunkedUpload upload = new ChunkedUpload(id, "bob", UploadProtocol.CHUNKED, "video.mp4", null,
				"chunked_uploads/2025/03/30/" + id + ".part", NOW, EXPIRATION);
		upload.append(42, new ResumableMd5().saveState(), true, NOW.plusSeconds(1), EXPIRATION);
		upload.complete("uploads/2025/03/30/" + id, "0123456789abcdef0123456789abcdef", NOW.plusSeconds(2));

		ChunkedUpload saved = this.repository.save(upload);
		ChunkedUpload found = this.repository.findById(id).orElseThrow();

		assertThat(found).isNotSameAs(saved);
		assertThat(found).usingRecursiveComparison().isEqualTo(saved);
		assertThat(found.getStatus()).isEqualTo(UploadStatus.COMPLETE);
		assertThat(found.getTotalLength()).contains(42L);
		assertThat(found.getOffset()).isEqualTo(42);
		assertThat(found.getMd5()).contains("0123456789abcdef0123456789abcdef");
		assertThat(found.getCompletedAt()).contains(NOW.plusSeconds(2));
		assertThat(found.getExpiresAt()).isEmpty();
		assertThat(found.getHashState()).isNull();
		assertThat(found.getStorageKey()).isEqualTo("uploads/2025/03/30/" + id);
		assertThat(found.isLeasedBy("anyone", NOW)).isFalse();
	}

	@Test
	void saveWhenDescribedFinalUploadWithPartsThenColumnsAndPartsRoundTrip() {
		String partA = newId();
		String partB = newId();
		for (String part : List.of(partA, partB)) {
			ChunkedUpload upload = new ChunkedUpload(part, "alice", UploadProtocol.TUS, "upload", 10L,
					"chunked_uploads/2025/03/30/" + part + ".part", NOW, EXPIRATION);
			upload.describe(new UploadDetails(null, null, null, ConcatRole.PARTIAL));
			this.repository.save(upload);
		}
		String finalId = newId();
		ChunkedUpload upload = new ChunkedUpload(finalId, "alice", UploadProtocol.TUS, "joined.bin", null,
				"chunked_uploads/2025/03/30/" + finalId + ".part", NOW, EXPIRATION);
		upload
			.describe(new UploadDetails("joined.bin", "video/mp4", "filename am9pbmVkLmJpbg==,flag", ConcatRole.FINAL));
		this.repository.save(upload);
		for (int i = 0; i < 3; i++) {
			this.parts.save(new UploadPart(finalId, i, (i == 1) ? partB : partA));
		}

		ChunkedUpload found = this.repository.findById(finalId).orElseThrow();
		assertThat(found.getContentType()).contains("video/mp4");
		assertThat(found.getClientMetadata()).contains("filename am9pbmVkLmJpbg==,flag");
		assertThat(found.getConcatRole()).contains(ConcatRole.FINAL);
		assertThat(this.repository.findById(partA).orElseThrow().getConcatRole()).contains(ConcatRole.PARTIAL);
		assertThat(this.parts.findByFinalIdOrderByPartNumber(finalId)).extracting(UploadPart::getPartId)
			.containsExactly(partA, partB, partA);
		assertThat(this.parts.findWaitingFinalIds(partA)).containsExactly(finalId);
		assertThat(this.parts.findWaitingFinalIds(finalId)).isEmpty();

		found.complete("uploads/2025/03/30/" + finalId, "0123456789abcdef0123456789abcdef", NOW.plusSeconds(1));
		this.repository.save(found);
		assertThat(this.parts.findWaitingFinalIds(partA)).isEmpty();
	}

	@Test
	void declareLengthWhenUnknownThenSetOnceAndNeverChanged() {
		ChunkedUpload upload = new ChunkedUpload(newId(), "alice", UploadProtocol.TUS, "f", null,
				"chunked_uploads/x.part", NOW, EXPIRATION);
		upload.append(10, new ResumableMd5().saveState(), false, NOW, EXPIRATION);
		assertThatExceptionOfType(InvalidUploadRequestException.class).isThrownBy(() -> upload.declareLength(9));
		assertThat(upload.getTotalLength()).isEmpty();
		upload.declareLength(20);
		upload.declareLength(20);
		assertThat(upload.getTotalLength()).contains(20L);
		assertThatExceptionOfType(InvalidUploadRequestException.class).isThrownBy(() -> upload.declareLength(21));
		assertThat(this.repository.save(upload).getTotalLength()).contains(20L);
	}

	@Test
	void acquireLeaseWhenManyThreadsRaceThenExactlyOneWins() throws Exception {
		int threads = 8;
		this.executor = Executors.newFixedThreadPool(threads);
		for (int round = 0; round < 10; round++) {
			String id = saveUpload();
			CountDownLatch ready = new CountDownLatch(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				String token = "token-" + i;
				results.add(this.executor.submit(() -> {
					ready.countDown();
					if (!start.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
						throw new IllegalStateException("Start gate not opened");
					}
					return acquireLease(id, token, NOW, NOW.plus(LEASE));
				}));
			}
			assertThat(ready.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			start.countDown();
			List<Integer> updated = new ArrayList<>();
			for (Future<Integer> result : results) {
				updated.add(result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
			}

			assertThat(updated).as("rows updated by each thread in round %d", round)
				.containsOnly(0, 1)
				.containsOnlyOnce(1);
			assertThat(leaseOwner(id)).isEqualTo("token-" + updated.indexOf(1));
		}
	}

	@Test
	void acquireLeaseWhenHeldThenOthersGetNothingUntilItLapses() {
		String id = saveUpload();
		long version = version(id);

		assertThat(acquireLease(id, "first", NOW, NOW.plus(LEASE))).isOne();
		assertThat(acquireLease(id, "second", NOW.plus(LEASE).minusNanos(1000), NOW.plus(LEASE))).isZero();
		assertThat(acquireLease(id, "second", NOW.plus(LEASE), NOW.plus(LEASE))).isZero();
		assertThat(leaseOwner(id)).isEqualTo("first");

		Instant later = NOW.plus(LEASE).plusMillis(1);
		assertThat(acquireLease(id, "second", later, later.plus(LEASE))).isOne();
		assertThat(leaseOwner(id)).isEqualTo("second");
		assertThat(leaseUntil(id)).isEqualTo(later.plus(LEASE));
		// Each taking bumps the version, so a writer that lost its lease cannot commit a
		// change to the row it read while it held it
		assertThat(version(id)).isEqualTo(version + 2);
	}

	@Test
	void renewLeaseWhenStillHeldThenExtendsIt() {
		String id = saveUpload();
		acquireLease(id, "first", NOW, NOW.plus(LEASE));

		Instant later = NOW.plusSeconds(30);
		assertThat(renewLease(id, "first", later, later.plus(LEASE))).isOne();

		assertThat(leaseOwner(id)).isEqualTo("first");
		assertThat(leaseUntil(id)).isEqualTo(later.plus(LEASE));
		assertThat(acquireLease(id, "second", NOW.plus(LEASE).plusSeconds(1), NOW.plus(LEASE))).isZero();
	}

	@Test
	void renewLeaseWhenTakenOverThenFailsAndLeavesTheNewHolder() {
		String id = saveUpload();
		acquireLease(id, "first", NOW, NOW.plus(LEASE));
		Instant takeover = NOW.plus(LEASE).plusSeconds(1);
		acquireLease(id, "second", takeover, takeover.plus(LEASE));

		Instant later = takeover.plusSeconds(1);
		assertThat(renewLease(id, "first", later, later.plus(LEASE))).isZero();

		assertThat(leaseOwner(id)).isEqualTo("second");
		assertThat(leaseUntil(id)).isEqualTo(takeover.plus(LEASE));
		assertThat(renewLease(id, "second", later, later.plus(LEASE))).isOne();
		assertThat(leaseUntil(id)).isEqualTo(later.plus(LEASE));
	}

	@Test
	void renewLeaseWhenLapsedThenFailsEvenIfNobodyTookIt() {
		String id = saveUpload();
		acquireLease(id, "first", NOW, NOW.plus(LEASE));

		Instant later = NOW.plus(LEASE).plusMillis(1);
		assertThat(renewLease(id, "first", later, later.plus(LEASE))).isZero();

		assertThat(leaseUntil(id)).isEqualTo(NOW.plus(LEASE));
	}

	@Test
	void releaseLeaseWhenCalledByAnotherTokenThenKeepsTheLease() {
		String id = saveUpload();
		acquireLease(id, "first", NOW, NOW.plus(LEASE));

		assertThat(releaseLease(id, "second")).isZero();

		assertThat(leaseOwner(id)).isEqualTo("first");
		assertThat(leaseUntil(id)).isEqualTo(NOW.plus(LEASE));
		assertThat(acquireLease(id, "second", NOW.plusSeconds(1), NOW.plus(LEASE))).isZero();
	}

	@Test
	void releaseLeaseWhenCalledByHolderThenFreesItForOthers() {
		String id = saveUpload();
		acquireLease(id, "first", NOW, NOW.plus(LEASE));

		assertThat(releaseLease(id, "first")).isOne();

		assertThat(leaseOwner(id)).isNull();
		assertThat(leaseUntil(id)).isNull();
		assertThat(acquireLease(id, "second", NOW.plusSeconds(1), NOW.plus(LEASE))).isOne();
		assertThat(leaseOwner(id)).isEqualTo("second");
	}

	@Test
	void releaseLeaseWhenTakenOverThenLeavesTheNewHolder() {
		String id = saveUpload();
		acquireLease(id, "first", NOW, NOW.plus(LEASE));
		Instant takeover = NOW.plus(LEASE).plusSeconds(1);
		acquireLease(id, "second", takeover, takeover.plus(LEASE));

		assertThat(releaseLease(id, "first")).isZero();

		assertThat(leaseOwner(id)).isEqualTo("second");
	}

	@Test
	void findExpiredWhenUploadsInEveryStateThenFindsOnlyUploadingOnesPastTheirExpiry() {
		String expiredFirst = saveUpload(NOW.minus(EXPIRATION).minusSeconds(7200), (upload) -> {
		});
		String expiredSecond = saveUpload(NOW.minus(EXPIRATION).minusSeconds(3600), (upload) -> {
		});
		String expiringNow = saveUpload(NOW.minus(EXPIRATION), (upload) -> {
		});
		saveUpload(NOW.minus(EXPIRATION).plusNanos(1000), (upload) -> {
		});
		saveUpload(NOW, (upload) -> {
		});
		saveUpload(NOW.minus(EXPIRATION).minusSeconds(7200), (upload) -> upload
			.complete("uploads/2025/03/27/" + upload.getId(), "0123456789abcdef0123456789abcdef", NOW.minusSeconds(1)));
		saveUpload(NOW.minus(EXPIRATION).minusSeconds(7200), (upload) -> upload.abort(NOW.minus(EXPIRATION)));
		saveUpload(NOW.minus(EXPIRATION).minusSeconds(9000), ChunkedUpload::expire);

		List<ChunkedUpload> all = this.repository.findExpired(NOW, Instant.EPOCH, "", Limit.of(100));
		List<ChunkedUpload> firstTwo = this.repository.findExpired(NOW, Instant.EPOCH, "", Limit.of(2));
		ChunkedUpload second = firstTwo.get(1);
		List<ChunkedUpload> afterSecond = this.repository.findExpired(NOW, second.getExpiresAt().orElseThrow(),
				second.getId(), Limit.of(100));

		assertThat(all).extracting(ChunkedUpload::getId).containsExactly(expiredFirst, expiredSecond, expiringNow);
		assertThat(all).allSatisfy((upload) -> assertThat(upload.isExpiredAt(NOW)).isTrue());
		assertThat(firstTwo).extracting(ChunkedUpload::getId).containsExactly(expiredFirst, expiredSecond);
		assertThat(afterSecond).extracting(ChunkedUpload::getId).containsExactly(expiringNow);
	}

	@Test
	void acquireAtVersionWhenRowUnchangedThenTakesItAndOtherwiseNothing() {
		String id = saveUpload();
		long seen = version(id);
		assertThat(this.leases.acquireAtVersion(id, seen - 1, "stale", NOW, NOW.plus(LEASE))).isFalse();
		assertThat(leaseOwner(id)).isNull();
		assertThat(this.leases.acquireAtVersion(id, seen, "first", NOW, NOW.plus(LEASE))).isTrue();
		assertThat(leaseOwner(id)).isEqualTo("first");
		assertThat(version(id)).isEqualTo(seen + 1);
		// held: even at the version it has now
		assertThat(this.leases.acquireAtVersion(id, seen + 1, "second", NOW, NOW.plus(LEASE))).isFalse();
		assertThat(releaseLease(id, "first")).isOne();
		// released, but the row changed since it was seen at seen + 1
		assertThat(this.leases.acquireAtVersion(id, seen + 1, "second", NOW, NOW.plus(LEASE))).isFalse();
		assertThat(this.leases.acquireAtVersion(id, seen + 2, "second", NOW, NOW.plus(LEASE))).isTrue();
		assertThat(leaseOwner(id)).isEqualTo("second");
	}

	private int acquireLease(String id, String token, Instant now, Instant until) {
		return this.leases.acquire(id, token, now, until) ? 1 : 0;
	}

	private int renewLease(String id, String token, Instant now, Instant until) {
		return this.leases.renew(id, token, now, until) ? 1 : 0;
	}

	private int releaseLease(String id, String token) {
		return this.leases.release(id, token) ? 1 : 0;
	}

	private String saveUpload() {
		return saveUpload(NOW, (upload) -> {
		});
	}

	private String saveUpload(Instant createdAt, Consumer<ChunkedUpload> change) {
		String id = newId();
		ChunkedUpload upload = new ChunkedUpload(id, "alice", UploadProtocol.CHUNKED, "file.bin", null,
				"chunked_uploads/" + id + ".part", createdAt, EXPIRATION);
		change.accept(upload);
		this.repository.save(upload);
		return id;
	}

	private String leaseOwner(String id) {
		return this.jdbc.queryForObject("select lease_owner from upload where upload_id = ?", String.class, id);
	}

	private Instant leaseUntil(String id) {
		OffsetDateTime until = this.jdbc.queryForObject("select lease_until from upload where upload_id = ?",
				OffsetDateTime.class, id);
		return (until != null) ? until.toInstant() : null;
	}

	private long version(String id) {
		return this.jdbc.queryForObject("select version from upload where upload_id = ?", Long.class, id);
	}

	private static String newId() {
		return UUID.randomUUID().toString().replace("-", "");
	}

	/** The versions of the migrations the build ships, in order. */
	private static List<String> migrationVersionsOnClasspath() {
		try {
			Resource[] scripts = new PathMatchingResourcePatternResolver()
				.getResources("classpath:db/migration/V*__*.sql");
			return Arrays.stream(scripts)
				.map((script) -> script.getFilename().substring(1, script.getFilename().indexOf("__")))
				.sorted(Comparator.comparing(BigDecimal::new))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
