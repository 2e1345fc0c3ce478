package dev.tiergate.cache.spring;

import java.util.concurrent.atomic.LongAdder;

/**
 * What Spring's cache abstraction did with one tiered cache, counted once per call
 * whatever the tier that answered: the figures behind Boot's {@code cache.gets},
 * {@code cache.puts} and {@code cache.evictions} meters. Tiergate's own per-tier meters
 * count the tiers.
 */
final class SpringCacheCounters {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder puts = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	void recordGet(boolean hit) {
		(hit ? this.hits : this.misses).increment();
	}

	void recordPut() {
		this.puts.increment();
	}

	void recordEviction() {
		this.evictions.increment();
	}

	public long hits() {
		return this.hits.sum();
	}

	public long misses() {
		return this.misses.sum();
	}

	public long puts() {
		return this.puts.sum();
	}

	public long evictions() {
		return this.evictions.sum();
	}

}
