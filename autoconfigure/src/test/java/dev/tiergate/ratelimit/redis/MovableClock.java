package dev.tiergate.ratelimit.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock that only moves when a test moves it, starting at the real time.
 */
final class MovableClock extends Clock {

	private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("A test clock stays in UTC");
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(this.millis.get());
	}

	@Override
	public long millis() {
		return this.millis.get();
	}

	void advance(Duration duration) {
		this.millis.addAndGet(duration.toMillis());
	}

}
