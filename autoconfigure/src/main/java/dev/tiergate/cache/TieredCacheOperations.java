package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The tiered caches for code that cannot use the annotations (batch jobs, listeners,
 * warmers), with their guarantees: L1 then L2, one load per key and JVM, writes and
 * evictions reaching the other instances, Redis failures absorbed. Values are typed JSON
 * in L2, decoded with the type each call gives; for a generic type such as
 * {@code List<Product>}, pass a {@link Type} (for example Spring's
 * {@code ParameterizedTypeReference.getType()}).
 * <p>
 * {@link #getAll} and {@link #putAll} reach L2 in one round trip for all their keys: one
 * {@code MGET} (on a Cluster, one per hash slot, sent together) and one pipelined batch of
 * writes.
 */
public final class TieredCacheOperations {

	private static final Predicate<@Nullable Object> ALWAYS = (value) -> true;

	private final TieredCaches caches;

	/**
	 * Creates the operations.
	 * @param caches the tiered caches of the application
	 */
	public TieredCacheOperations(TieredCaches caches) {
		this.caches = caches;
	}

	/**
	 * Returns the cached value of a key, from L1 or L2, without loading it.
	 * @param <T> the type of the value
	 * @param cacheName the cache
	 * @param key the key
	 * @param type the type of the value
	 * @return the value, or {@code null} when neither tier has it (or a {@code null} is
	 * cached)
	 */
	public <T> @Nullable T get(String cacheName, Object key, Class<T> type) {
		return type.cast(get(cacheName, key, (Type) type));
	}

	/**
	 * Returns the cached value of a key, from L1 or L2, without loading it.
	 * @param cacheName the cache
	 * @param key the key
	 * @param type the declared type of the value, possibly generic
	 * @return the value, or {@code null} when neither tier has it
	 */
	public @Nullable Object get(String cacheName, Object key, Type type) {
		CachedValue found = this.caches.get(cacheName).find(key, type);
		return (found != null) ? found.get() : null;
	}

	/**
	 * Returns the value of a key from L1 or L2, or from the loader, which runs once per key
	 * and JVM however many callers miss it together; its value is stored in both tiers.
	 * @param <T> the type of the value
	 * @param cacheName the cache
	 * @param key the key
	 * @param type the type of the value
	 * @param loader computes the value on a miss
	 * @return the value
	 * @throws Exception what the loader threw
	 */
	public <T> @Nullable T getOrLoad(String cacheName, Object key, Class<T> type, Callable<? extends T> loader)
			throws Exception {
		try {
			return type.cast(this.caches.get(cacheName).get(key, type, loader::call, ALWAYS));
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stores a value in both tiers and tells the other instances.
	 * @param cacheName the cache
	 * @param key the key
	 * @param value the value; a {@code null} evicts the key unless the cache stores nulls
	 * @param type the declared type of the value, which readers decode it with
	 */
	public void put(String cacheName, Object key, @Nullable Object value, Type type) {
		this.caches.get(cacheName).put(key, type, value);
	}

	/**
	 * Removes a key from both tiers and from every instance's L1.
	 * @param cacheName the cache
	 * @param key the key
	 */
	public void evict(String cacheName, Object key) {
		this.caches.get(cacheName).evict(key);
	}

	/**
	 * Removes every entry of a cache from both tiers and from every instance's L1.
	 * @param cacheName the cache
	 */
	public void clear(String cacheName) {
		this.caches.get(cacheName).clear();
	}

	/**
	 * Returns the cached values of several keys: L1 first, then L2 for the others in one
	 * round trip. Nothing is loaded.
	 * @param <T> the type of the values
	 * @param cacheName the cache
	 * @param keys the keys
	 * @param type the type of the values
	 * @return the values found, by key, in the order of the keys; keys neither tier has
	 * are absent
	 */
	public <T> Map<Object, @Nullable T> getAll(String cacheName, Collection<?> keys, Class<T> type) {
		Map<Object, @Nullable T> values = new LinkedHashMap<>();
		this.caches.get(cacheName).getAll(keys, type).forEach((key, value) -> values.put(key, type.cast(value)));
		return values;
	}

	/**
	 * Stores several values in both tiers, with one round trip to L2 for the writes, and
	 * tells the other instances.
	 * @param cacheName the cache
	 * @param values the values by key
	 * @param type the declared type of the values
	 */
	public void putAll(String cacheName, Map<?, ?> values, Type type) {
		this.caches.get(cacheName).putAll(values, type);
	}

}
