package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.TimeMeter;

/**
 * A Bucket4j {@link TimeMeter} that only moves when a test advances it, so refills are
 * tested without sleeping. It starts at the wall-clock time, so buckets a test leaves in
 * a shared Redis never look newer than those of a later run.
 */
public final class ManualTimeMeter implements TimeMeter {

	private final AtomicLong nanos = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

	@Override
	public long currentTimeNanos() {
		return this.nanos.get();
	}

	@Override
	public boolean isWallClockBased() {
		return false;
	}

	/**
	 * Moves time forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
