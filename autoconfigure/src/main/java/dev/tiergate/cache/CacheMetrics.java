package dev.tiergate.cache;

/**
 * Receives what happens in one {@link TieredCache}, for metrics. Implementations are
 * called on the hot path and must be cheap and thread-safe.
 */
public interface CacheMetrics {

	/** Metrics that record nothing. */
	CacheMetrics NONE = new CacheMetrics() {
	};

	/**
	 * Records an L1 lookup.
	 * @param hit whether the key was found
	 */
	default void l1Get(boolean hit) {
	}

	/**
	 * Records an L2 lookup. Lookups that failed are recorded as {@link #error errors}.
	 * @param hit whether a decodable value was found
	 */
	default void l2Get(boolean hit) {
	}

	/**
	 * Records an invocation of the cached method.
	 * @param nanos how long it took
	 * @param success whether it returned normally
	 */
	default void load(long nanos, boolean success) {
	}

	/**
	 * Records a stale L2 value returned because the method failed.
	 */
	default void staleServed() {
	}

	/**
	 * Records an invalidation exchanged with other instances.
	 * @param sent whether this instance sent it (otherwise it received it)
	 */
	default void invalidation(boolean sent) {
	}

	/**
	 * Records a failure that the cache absorbed.
	 * @param kind what failed
	 */
	default void error(CacheErrorKind kind) {
	}

	/**
	 * Creates the {@link CacheMetrics} of each cache, when the cache is created.
	 */
	@FunctionalInterface
	interface Factory {

		/** A factory of metrics that record nothing. */
		Factory NONE = (cacheName) -> CacheMetrics.NONE;

		/**
		 * Returns the metrics of a cache.
		 * @param cacheName the cache name
		 * @return its metrics
		 */
		CacheMetrics forCache(String cacheName);

	}

}
