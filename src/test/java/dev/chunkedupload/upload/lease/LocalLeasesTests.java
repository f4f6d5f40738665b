package dev.chunkedupload.upload.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalLeasesTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private static final Instant UNTIL = NOW.plus(Duration.ofMinutes(1));

	private final LocalLeases leases = LocalLeases.forDatabase("jdbc:h2:mem:" + UUID.randomUUID());

	@Test
	void forDatabaseWhenOnlyThisProcessCanOpenItThenLeasesInMemory() {
		assertThat(LocalLeases.isProcessLocal("jdbc:h2:file:./data/db/chunked-upload;WRITE_DELAY=0")).isTrue();
		assertThat(LocalLeases.isProcessLocal("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1")).isTrue();
		assertThat(LocalLeases.isProcessLocal("jdbc:h2:./data/db")).isTrue();
	}

	@Test
	void forDatabaseWhenOthersMayShareItThenNone() {
		assertThat(LocalLeases.forDatabase("jdbc:postgresql://localhost/uploads")).isNull();
		assertThat(LocalLeases.forDatabase("jdbc:h2:tcp://db/uploads")).isNull();
		assertThat(LocalLeases.forDatabase("jdbc:h2:ssl://db/uploads")).isNull();
		assertThat(LocalLeases.forDatabase("jdbc:h2:file:./data/db;AUTO_SERVER=TRUE")).isNull();
		assertThat(LocalLeases.forDatabase("jdbc:h2:file:./data/db; auto_server = true")).isNull();
		assertThat(LocalLeases.forDatabase(null)).isNull();
	}

	@Test
	void forDatabaseWhenSameUrlThenSameRegistry() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID();
		LocalLeases one = LocalLeases.forDatabase(url);
		assertThat(one.take("u", "a", NOW, UNTIL)).isTrue();
		assertThat(LocalLeases.forDatabase(url).take("u", "b", NOW, UNTIL)).as("a second context, same database")
			.isFalse();
		assertThat(LocalLeases.forDatabase("jdbc:h2:mem:" + UUID.randomUUID()).take("u", "b", NOW, UNTIL))
			.as("another database")
			.isTrue();
	}

	@Test
	void takeWhenHeldThenRefusedUntilReleased() {
		assertThat(this.leases.take("u", "a", NOW, UNTIL)).isTrue();
		assertThat(this.leases.take("u", "b", NOW, UNTIL)).isFalse();
		assertThat(this.leases.take("other", "b", NOW, UNTIL)).isTrue();
		this.leases.release("u", "b");
		assertThat(this.leases.take("u", "b", NOW, UNTIL)).as("b never held u").isFalse();
		this.leases.release("u", "a");
		assertThat(this.leases.take("u", "b", NOW, UNTIL)).isTrue();
	}

	@Test
	void takeWhenHolderLetItLapseThenTakenAndOldHolderCanNeitherRenewNorWrite() {
		assertThat(this.leases.take("u", "a", NOW, UNTIL)).isTrue();
		assertThat(this.leases.take("u", "b", UNTIL, UNTIL.plusSeconds(60))).as("ending exactly now: still held")
			.isFalse();
		Instant later = UNTIL.plusMillis(1);
		assertThat(this.leases.take("u", "b", later, later.plusSeconds(60))).isTrue();
		assertThat(this.leases.renew("u", "a", later, later.plusSeconds(60))).isFalse();
		assertThat(this.leases.whileHeld("u", "a", later, () -> true)).isFalse();
		this.leases.release("u", "a");
		assertThat(this.leases.whileHeld("u", "b", later, () -> true)).as("a's release left b's lease").isTrue();
	}

	@Test
	void renewWhenHeldThenLastsLonger() {
		assertThat(this.leases.take("u", "a", NOW, UNTIL)).isTrue();
		Instant renewed = UNTIL.plusSeconds(60);
		assertThat(this.leases.renew("u", "a", UNTIL, renewed)).isTrue();
		assertThat(this.leases.take("u", "b", UNTIL.plusSeconds(1), renewed)).isFalse();
		assertThat(this.leases.whileHeld("u", "a", UNTIL.plusSeconds(1), () -> true)).isTrue();
	}

	@Test
	void whileHeldThenWriteRunsOnlyForTheHolderAndReportsItsResult() {
		assertThat(this.leases.whileHeld("u", "a", NOW, () -> true)).as("nobody holds it").isFalse();
		assertThat(this.leases.take("u", "a", NOW, UNTIL)).isTrue();
		boolean[] ran = new boolean[1];
		assertThat(this.leases.whileHeld("u", "b", NOW, () -> ran[0] = true)).isFalse();
		assertThat(ran[0]).isFalse();
		assertThat(this.leases.whileHeld("u", "a", NOW, () -> false)).as("the write's own answer").isFalse();
		assertThat(this.leases.whileHeld("u", "a", NOW, () -> ran[0] = true)).isTrue();
		assertThat(ran[0]).isTrue();
	}

	@Test
	void takenInThisJvmWhenTakenThenTrueUntilReleased() {
		String id = UUID.randomUUID().toString();
		assertThat(LocalLeases.takenInThisJvm(id)).isFalse();
		assertThat(this.leases.take(id, "a", NOW, UNTIL)).isTrue();
		assertThat(LocalLeases.takenInThisJvm(id)).isTrue();
		this.leases.release(id, "a");
		assertThat(LocalLeases.takenInThisJvm(id)).isFalse();
	}

}
