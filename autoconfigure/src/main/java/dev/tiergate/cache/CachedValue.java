package dev.tiergate.cache;

import org.jspecify.annotations.Nullable;

/**
 * A value found in a cache, possibly {@code null} when the cache stores nulls: what
 * {@link TieredCache#getIfPresent} returns instead of a sentinel.
 */
@FunctionalInterface
public interface CachedValue {

	/**
	 * Returns the cached value.
	 * @return the value, {@code null} if a {@code null} was cached
	 */
	@Nullable Object get();

}
