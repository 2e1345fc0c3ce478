package dev.tiergate.cache;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * {@link System#nanoTime()} as sampled by a daemon thread once per resolution. Caffeine
 * reads its ticker on every lookup of a cache that expires entries, and on virtual
 * machines reading the clock costs about as much as the rest of an L1 hit (29 ns of 114 on
 * the benchmark machine); reading this ticker costs one volatile read. An entry may
 * therefore outlive its L1 time to live by about one resolution, or longer while the
 * sampling thread is starved of CPU.
 */
final class CoarseTicker implements Ticker, AutoCloseable {

	private final long resolutionNanos;

	private final Thread sampler;

	private volatile long now = System.nanoTime();

	private volatile boolean closed;

	CoarseTicker(Duration resolution) {
		this.resolutionNanos = resolution.toNanos();
		this.sampler = new Thread(this::sample, "tiergate-l1-clock");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	@Override
	public long read() {
		return this.now;
	}

	@Override
	public void close() {
		this.closed = true;
		LockSupport.unpark(this.sampler);
	}

	/**
	 * Returns whether the sampling thread still runs.
	 */
	boolean isSampling() {
		return this.sampler.isAlive();
	}

	private void sample() {
		while (!this.closed) {
			LockSupport.parkNanos(this.resolutionNanos);
			this.now = System.nanoTime();
		}
	}

}
