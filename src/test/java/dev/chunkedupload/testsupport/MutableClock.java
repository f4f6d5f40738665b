package dev.chunkedupload.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move forward instead of sleeping. It ticks with the system clock, shifted
 * by what the test added, so leases and timestamps still advance between requests.
 */
public class MutableClock extends Clock {

	private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);

	public void advance(Duration duration) {
		this.shift.accumulateAndGet(duration, Duration::plus);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.shift.get());
	}

}
