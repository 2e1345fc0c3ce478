package dev.tiergate.cache;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The shared tier of a {@link TieredCache}: a key-value store with expiry, in practice
 * Redis. Implementations signal failures with runtime exceptions; the cache treats a
 * failed read as a miss and a failed write as skipped, so a broken store never breaks a
 * caller.
 */
public interface L2Store {

	/**
	 * Returns the bytes stored under a key.
	 * @param key the full key, including namespace and cache name
	 * @return the bytes, or {@code null} when the key is absent
	 */
	byte @Nullable [] get(String key);

	/**
	 * Stores bytes under a key with a time to live.
	 * @param key the full key
	 * @param value the bytes
	 * @param ttl the time to live, at least one millisecond
	 */
	void set(String key, byte[] value, Duration ttl);

	/**
	 * Removes a key.
	 * @param key the full key
	 */
	void delete(String key);

	/**
	 * Removes every key that starts with a prefix, incrementally and without blocking
	 * the store (for Redis: {@code SCAN} and {@code UNLINK}, never {@code KEYS}).
	 * @param keyPrefix the literal prefix
	 * @return the number of keys removed
	 */
	long deleteByPrefix(String keyPrefix);

}
