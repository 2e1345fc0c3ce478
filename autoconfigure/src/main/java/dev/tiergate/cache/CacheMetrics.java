package dev.tiergate.cache;

import com.github.benmanes.caffeine.cache.Cache;

/**
 * Publishes what happens in one {@link TieredCache}, for example to Micrometer. The
 * counts live in the cache's {@link CacheStatistics}, which an implementation reads when
 * it is created; only load durations, which counters cannot carry, are pushed to it.
 */
public interface CacheMetrics {

	/** Metrics that publish nothing. */
	CacheMetrics NONE = new CacheMetrics() {
	};

	/**
	 * Records how long an invocation of the cached method took.
	 * @param nanos how long it took
	 * @param success whether it returned normally
	 */
	default void load(long nanos, boolean success) {
	}

	/**
	 * Publishes the in-process tier's own Caffeine cache (its size and evictions), once,
	 * when the cache is created with L1.
	 * @param l1 the Caffeine cache of L1
	 */
	default void bindL1(Cache<?, ?> l1) {
	}

	/**
	 * Creates the {@link CacheMetrics} of each cache, when the cache is created.
	 */
	@FunctionalInterface
	interface Factory {

		/** A factory of metrics that publish nothing. */
		Factory NONE = (cacheName, statistics) -> CacheMetrics.NONE;

		/**
		 * Returns the metrics of a cache.
		 * @param cacheName the cache name
		 * @param statistics the counters of the cache, to publish
		 * @return its metrics
		 */
		CacheMetrics forCache(String cacheName, CacheStatistics statistics);

	}

}
