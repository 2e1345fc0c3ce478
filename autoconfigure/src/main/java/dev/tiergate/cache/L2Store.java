package dev.tiergate.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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
	 * Returns the bytes stored under a key with their remaining time to live, in one
	 * round trip.
	 * @param key the full key
	 * @return the bytes and time to live, or {@code null} when the key is absent
	 */
	@Nullable Expiring getWithTtl(String key);

	/**
	 * Stores bytes under a key with a time to live.
	 * @param key the full key
	 * @param value the bytes
	 * @param ttl the time to live, at least one millisecond
	 */
	void set(String key, byte[] value, Duration ttl);

	/**
	 * Returns the bytes stored under a key without blocking the caller. This default
	 * answers with {@link #get} at once, for stores that have no asynchronous API.
	 * @param key the full key
	 * @return the bytes, or {@code null} when the key is absent; completed exceptionally
	 * when the store failed
	 */
	default CompletionStage<byte @Nullable []> getAsync(String key) {
		return answered(() -> get(key));
	}

	/**
	 * Returns the bytes stored under a key with their remaining time to live, as
	 * {@link #getWithTtl} does, without blocking the caller.
	 * @param key the full key
	 * @return the bytes and time to live, or {@code null} when the key is absent
	 */
	default CompletionStage<@Nullable Expiring> getWithTtlAsync(String key) {
		return answered(() -> getWithTtl(key));
	}

	/**
	 * Stores bytes under a key with a time to live, as {@link #set} does, without blocking
	 * the caller.
	 * @param key the full key
	 * @param value the bytes
	 * @param ttl the time to live, at least one millisecond
	 * @return completes once the store holds the bytes
	 */
	default CompletionStage<?> setAsync(String key, byte[] value, Duration ttl) {
		return answered(() -> {
			set(key, value, ttl);
			return key;
		});
	}

	/**
	 * Removes a key, as {@link #delete} does, without blocking the caller.
	 * @param key the full key
	 * @return completes once the key is gone
	 */
	default CompletionStage<?> deleteAsync(String key) {
		return answered(() -> {
			delete(key);
			return key;
		});
	}

	/**
	 * Returns the generation stored under a key, as {@link #generation} does, without
	 * blocking the caller.
	 * @param key the generation key of a cache
	 * @return the generation
	 */
	default CompletionStage<Long> generationAsync(String key) {
		return answered(() -> generation(key));
	}

	/**
	 * Takes a lease on a key, as {@link #tryLock} does, without blocking the caller.
	 * @param key the lock key
	 * @param token identifies the holder
	 * @param lease how long the lease lasts at most
	 * @return whether the lease was taken
	 */
	default CompletionStage<Boolean> tryLockAsync(String key, String token, Duration lease) {
		return answered(() -> tryLock(key, token, lease));
	}

	/**
	 * Gives a lease back, as {@link #unlock} does, without blocking the caller.
	 * @param key the lock key
	 * @param token the holder's token
	 * @return completes once it is given back
	 */
	default CompletionStage<?> unlockAsync(String key, String token) {
		return answered(() -> {
			unlock(key, token);
			return key;
		});
	}

	/**
	 * Returns whether a key exists, as {@link #exists} does, without blocking the caller.
	 * @param key the full key
	 * @return whether it exists
	 */
	default CompletionStage<Boolean> existsAsync(String key) {
		return answered(() -> exists(key));
	}

	private static <T> CompletionStage<T> answered(Supplier<T> call) {
		try {
			return CompletableFuture.completedFuture(call.get());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Returns the bytes stored under several keys in one round trip: for Redis one
	 * {@code MGET}, on a Cluster one per hash slot, sent together.
	 * @param keys the full keys
	 * @return the bytes of each key, in the order of the keys, {@code null} where a key is
	 * absent
	 */
	default List<byte @Nullable []> getAll(List<String> keys) {
		List<byte @Nullable []> values = new ArrayList<>(keys.size());
		keys.forEach((key) -> values.add(get(key)));
		return values;
	}

	/**
	 * Stores several values, each with its own time to live, in one round trip
	 * (pipelined); keys of different hash slots are fine.
	 * @param writes the values to store
	 */
	default void setAll(Collection<Write> writes) {
		writes.forEach((write) -> set(write.key(), write.value(), write.ttl()));
	}

	/**
	 * Removes a key.
	 * @param key the full key
	 */
	void delete(String key);

	/**
	 * Removes several keys in one round trip (pipelined); keys of different hash slots
	 * are fine.
	 * @param keys the full keys
	 */
	default void deleteAll(Collection<String> keys) {
		keys.forEach(this::delete);
	}

	/**
	 * Returns whether a key exists, for example whether a lock is still held.
	 * @param key the full key
	 * @return whether it exists
	 */
	boolean exists(String key);

	/**
	 * Returns the generation stored under a key: 0 when the key is absent.
	 * @param key the generation key of a cache
	 * @return the generation
	 */
	long generation(String key);

	/**
	 * Moves the generation stored under a key past every earlier one and past the
	 * store's current time in microseconds, so that it grows even if the key had
	 * expired, and gives it a time to live.
	 * @param key the generation key of a cache
	 * @param ttl how long the generation is kept
	 * @return the new generation
	 */
	long advanceGeneration(String key, Duration ttl);

	/**
	 * Takes a lease on a key if nobody holds it ({@code SET NX PX}).
	 * @param key the lock key
	 * @param token identifies the holder
	 * @param lease how long the lease lasts at most
	 * @return whether the lease was taken
	 */
	boolean tryLock(String key, String token, Duration lease);

	/**
	 * Gives a lease back, if it is still held with the given token.
	 * @param key the lock key
	 * @param token the holder's token
	 */
	void unlock(String key, String token);

	/**
	 * Removes every key that starts with a prefix, incrementally and without blocking
	 * the store (for Redis: {@code SCAN} and {@code UNLINK}, never {@code KEYS}).
	 * @param keyPrefix the literal prefix
	 * @return the number of keys removed
	 */
	long deleteByPrefix(String keyPrefix);

	/**
	 * Removes every key that starts with a prefix except those whose value starts with
	 * {@code keptValuePrefix} (for example the values of a cache's current generation),
	 * incrementally and without blocking the store.
	 * @param keyPrefix the literal prefix of the keys
	 * @param keptValuePrefix values that start with these bytes are kept
	 * @return the number of keys removed
	 */
	long deleteByPrefixExcept(String keyPrefix, byte[] keptValuePrefix);

	/**
	 * Stored bytes with their remaining time to live.
	 *
	 * @param value the bytes
	 * @param ttlMillis the remaining time to live in milliseconds
	 */
	record Expiring(byte[] value, long ttlMillis) {
	}

	/**
	 * A value to store.
	 *
	 * @param key the full key
	 * @param value the bytes
	 * @param ttl the time to live, at least one millisecond
	 */
	record Write(String key, byte[] value, Duration ttl) {
	}

}
