package dev.chunkedupload.upload;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chunkedupload.testsupport.MutableClock;
import dev.chunkedupload.testsupport.ServerTestSupport;
import dev.chunkedupload.testsupport.TestClockConfiguration;
import dev.chunkedupload.upload.error.LengthMismatchException;
import dev.chunkedupload.upload.model.Caller;
import dev.chunkedupload.upload.model.Chunk;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadEvent;
import dev.chunkedupload.upload.model.UploadProtocol;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.event.TransactionalEventListener;

import static dev.chunkedupload.testsupport.ServerTestSupport.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The core's upload events: published inside the transaction of each change, so an
 * application's {@code @TransactionalEventListener} hears of a change only once it is
 * committed (it reads the committed row) and never of one rolled back, and the webhook
 * outbox's rows commit or roll back with the change.
 */
@SpringBootTest(properties = { "chunked-upload.webhooks[0].url=http://127.0.0.1:9/never",
		"chunked-upload.webhooks[0].secret=whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"chunked-upload.webhook-delivery.initial-backoff=1h", "chunked-upload.sweep-interval=1h" })
@Import({ TestClockConfiguration.class, UploadEventsTests.Listeners.class })
class UploadEventsTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ServerTestSupport.register(registry);
	}

	@Autowired
	UploadService uploads;

	@Autowired
	UploadSweeper sweeper;

	@Autowired
	MutableClock clock;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	List<Heard> heard;

	@BeforeEach
	void forget() {
		this.heard.clear();
	}

	@Test
	void changesWhenCommittedThenEachHeardAfterTheCommitWithTheUploadAsTheApiShowsIt() {
		byte[] bytes = randomBytes(3000, 1);
		ChunkedUpload upload = this.uploads.start("alice", UploadProtocol.CHUNKED, "a.bin",
				new Chunk(0, 3000L, 3000L, false, false), new ByteArrayInputStream(bytes));
		this.uploads.complete("alice", upload.getId(), ServerTestSupport.md5(bytes));
		this.uploads.delete(new Caller("alice", false), upload.getId());

		List<Heard> about = about(upload.getId());
		assertThat(about).extracting((h) -> h.event().type())
			.containsExactly(UploadEvent.Type.CREATED, UploadEvent.Type.COMPLETED, UploadEvent.Type.DELETED);
		// The row read from the listener is the committed one: inside the transaction it
		// would still say UPLOADING, as Hibernate writes the change at the commit.
		assertThat(about).extracting(Heard::committedStatus).containsExactly("UPLOADING", "COMPLETE", "ABORTED");
		UploadEvent completed = about.get(1).event();
		assertThat(completed.upload().status()).isEqualTo("complete");
		assertThat(completed.upload().md5()).isEqualTo(ServerTestSupport.md5(bytes));
		assertThat(completed.upload().offset()).isEqualTo(3000);
		assertThat(completed.upload().owner()).isEqualTo("alice");
		assertThat(completed.upload().protocol()).isEqualTo("chunked");
		assertThat(completed.upload().filename()).isEqualTo("a.bin");
		assertThat(about.get(2).event().upload().status()).isEqualTo("aborted");
		assertThat(about).extracting((h) -> h.event().id()).doesNotHaveDuplicates();
		assertThat(outboxTypes(upload.getId())).containsExactly("upload.created", "upload.completed", "upload.deleted");
	}

	@Test
	void expiryWhenSweptThenHeardAsExpired() {
		ChunkedUpload upload = this.uploads.start("alice", UploadProtocol.CHUNKED, "idle.bin",
				new Chunk(0, 10L, 100L, false, false), new ByteArrayInputStream(randomBytes(10, 2)));
		this.clock.advance(Duration.ofHours(25));
		this.sweeper.expireIdleUploads(100);

		List<Heard> about = about(upload.getId());
		assertThat(about).extracting((h) -> h.event().type())
			.containsExactly(UploadEvent.Type.CREATED, UploadEvent.Type.EXPIRED);
		assertThat(about.get(1).event().upload().status()).isEqualTo("expired");
		assertThat(about.get(1).committedStatus()).isEqualTo("EXPIRED");
		assertThat(outboxTypes(upload.getId())).containsExactly("upload.created", "upload.expired");
	}

	@Test
	void creationWhenRolledBackThenNeitherHeardNorInTheOutbox() {
		long rows = this.jdbc.queryForObject("select count(*) from upload", Long.class);
		long deliveries = this.jdbc.queryForObject("select count(*) from webhook_delivery", Long.class);
		assertThatIllegalStateException().isThrownBy(() -> this.uploads.start("alice", UploadProtocol.CHUNKED,
				"rollback.bin", new Chunk(0, 10L, 10L, false, false), new ByteArrayInputStream(randomBytes(10, 3))));
		assertThat(this.heard).isEmpty();
		assertThat(this.jdbc.queryForObject("select count(*) from upload", Long.class)).isEqualTo(rows);
		assertThat(this.jdbc.queryForObject("select count(*) from webhook_delivery", Long.class)).isEqualTo(deliveries);
	}

	@Test
	void firstChunkWhenRefusedThenCreatedAndDeletedAreHeard() {
		assertThatExceptionOfType(LengthMismatchException.class)
			.isThrownBy(() -> this.uploads.start("alice", UploadProtocol.CHUNKED, "short.bin",
					new Chunk(0, 100L, 100L, false, false), new ByteArrayInputStream(randomBytes(10, 4))));
		assertThat(this.heard).extracting((h) -> h.event().type())
			.containsExactly(UploadEvent.Type.CREATED, UploadEvent.Type.DELETED);
		String id = this.heard.get(0).event().upload().uploadId();
		assertThat(this.heard.get(1).committedStatus()).isNull();
		assertThat(outboxTypes(id)).containsExactly("upload.created", "upload.deleted");
	}

	private List<Heard> about(String uploadId) {
		return this.heard.stream().filter((h) -> h.event().upload().uploadId().equals(uploadId)).toList();
	}

	private List<String> outboxTypes(String uploadId) {
		return this.jdbc.queryForList(
				"select event_type from webhook_delivery where upload_id = ? order by delivery_id", String.class,
				uploadId);
	}

	/**
	 * An event and the upload's row as a new read saw it when the event was heard.
	 */
	record Heard(UploadEvent event, String committedStatus) {

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		List<Heard> heard() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		AfterCommit afterCommit(List<Heard> heard, JdbcTemplate jdbc) {
			return new AfterCommit(heard, jdbc);
		}

		@Bean
		Failing failing() {
			return new Failing();
		}

	}

	/** What an embedding application writes. */
	static class AfterCommit {

		private final List<Heard> heard;

		private final JdbcTemplate jdbc;

		AfterCommit(List<Heard> heard, JdbcTemplate jdbc) {
			this.heard = heard;
			this.jdbc = jdbc;
		}

		@TransactionalEventListener
		void on(UploadEvent event) {
			List<String> status = this.jdbc.queryForList("select status from upload where upload_id = ?", String.class,
					event.upload().uploadId());
			this.heard.add(new Heard(event, status.isEmpty() ? null : status.get(0)));
		}

	}

	/** A listener inside the transaction that fails, so the change rolls back. */
	static class Failing {

		@EventListener
		void on(UploadEvent event) {
			if (event.upload().filename().equals("rollback.bin")) {
				throw new IllegalStateException("The application refuses this change");
			}
		}

	}

}
