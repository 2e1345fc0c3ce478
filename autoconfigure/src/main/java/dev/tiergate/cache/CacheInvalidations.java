package dev.tiergate.cache;

import org.jspecify.annotations.Nullable;

/**
 * Tells the other instances sharing L2 that entries changed, so they drop them from their
 * L1. Delivery is best effort: an instance that may have missed messages clears its whole
 * L1 instead (see {@link TieredCaches#clearL1()}).
 */
@FunctionalInterface
public interface CacheInvalidations {

	/** Tells nobody: for a single instance, or caches without Redis. */
	CacheInvalidations NONE = (cacheName, redisKey) -> {
	};

	/**
	 * Publishes that an entry, or every entry, of a cache changed.
	 * @param cacheName the cache
	 * @param redisKey the Redis key of the entry, or {@code null} for all entries
	 */
	void publish(String cacheName, @Nullable String redisKey);

}
