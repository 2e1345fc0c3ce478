package dev.tiergate.test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A Caffeine {@link Ticker} that only moves when a test advances it, so expiry is tested
 * without sleeping.
 */
public final class ManualTicker implements Ticker {

	private final AtomicLong nanos = new AtomicLong();

	@Override
	public long read() {
		return this.nanos.get();
	}

	/**
	 * Moves time forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
