package dev.tiergate.cache;

import org.jspecify.annotations.Nullable;

/**
 * Tells the other instances sharing L2 that entries changed, so they drop them from their
 * L1. An instance that may have missed messages clears its whole L1 instead (see
 * {@link TieredCaches#resynchronize()}).
 */
@FunctionalInterface
public interface CacheInvalidations {

	/** Tells nobody: for a single instance, or caches without Redis. */
	CacheInvalidations NONE = (cacheName, redisKey) -> true;

	/**
	 * Publishes that an entry, or every entry, of a cache changed.
	 * @param cacheName the cache
	 * @param redisKey the Redis key of the entry, or {@code null} for all entries
	 * @return whether the message reached Redis; if not, the cache keeps it pending and
	 * publishes it again later
	 */
	boolean publish(String cacheName, @Nullable String redisKey);

}
