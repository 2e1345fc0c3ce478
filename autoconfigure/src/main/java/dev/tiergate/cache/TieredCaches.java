package dev.tiergate.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.observation.TiergateObservations;
import org.jspecify.annotations.Nullable;

/**
 * The tiered caches of an application, created on first use by name.
 */
public final class TieredCaches implements AutoCloseable {

	private final ConcurrentMap<String, TieredCache> caches = new ConcurrentHashMap<>();

	private final Function<String, TieredCacheSettings> settings;

	private final String namespace;

	private final @Nullable L2Store l2;

	private final L2Codec codec;

	private final CacheMetrics.Factory metrics;

	private final Ticker ticker;

	private final CacheInvalidations invalidations;

	private final TiergateObservations observations;

	private final CacheKeyEncoder keyEncoder = new CacheKeyEncoder();

	/** Runs refresh-ahead reloads; bounded, because a refresh is an optimisation that may be dropped. */
	private final ThreadPoolExecutor refresher = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS,
			new ArrayBlockingQueue<>(256), (task) -> {
				Thread thread = new Thread(task, "tiergate-refresh");
				thread.setDaemon(true);
				return thread;
			}, new ThreadPoolExecutor.AbortPolicy());

	/**
	 * Creates the registry of caches that tell no other instance about their writes.
	 * @param settings the settings of a cache, by name
	 * @param namespace the namespace of all Redis keys of the application
	 * @param l2 the shared store, or {@code null} to run on L1 only
	 * @param codec the codec of L2 values
	 * @param metrics creates the metrics of each cache
	 * @param ticker the time source of L1 expiry
	 */
	public TieredCaches(Function<String, TieredCacheSettings> settings, String namespace, @Nullable L2Store l2,
			L2Codec codec, CacheMetrics.Factory metrics, Ticker ticker) {
		this(settings, namespace, l2, codec, metrics, ticker, CacheInvalidations.NONE);
	}

	/**
	 * Creates the registry.
	 * @param settings the settings of a cache, by name
	 * @param namespace the namespace of all Redis keys of the application
	 * @param l2 the shared store, or {@code null} to run on L1 only
	 * @param codec the codec of L2 values
	 * @param metrics creates the metrics of each cache
	 * @param ticker the time source of L1 expiry
	 * @param invalidations tells other instances about writes and evictions
	 */
	public TieredCaches(Function<String, TieredCacheSettings> settings, String namespace, @Nullable L2Store l2,
			L2Codec codec, CacheMetrics.Factory metrics, Ticker ticker, CacheInvalidations invalidations) {
		this(settings, namespace, l2, codec, metrics, ticker, invalidations, TiergateObservations.NONE);
	}

	/**
	 * Creates the registry of caches whose reads are observed.
	 * @param settings the settings of a cache, by name
	 * @param namespace the namespace of all Redis keys of the application
	 * @param l2 the shared store, or {@code null} to run on L1 only
	 * @param codec the codec of L2 values
	 * @param metrics creates the metrics of each cache
	 * @param ticker the time source of L1 expiry
	 * @param invalidations tells other instances about writes and evictions
	 * @param observations observes reads that miss L1
	 */
	public TieredCaches(Function<String, TieredCacheSettings> settings, String namespace, @Nullable L2Store l2,
			L2Codec codec, CacheMetrics.Factory metrics, Ticker ticker, CacheInvalidations invalidations,
			TiergateObservations observations) {
		this.observations = observations;
		this.settings = settings;
		this.namespace = namespace;
		this.l2 = l2;
		this.codec = codec;
		this.metrics = metrics;
		this.ticker = ticker;
		this.invalidations = invalidations;
	}

	/**
	 * Returns the cache of a name, creating it on first use.
	 * @param name the cache name
	 * @return the cache
	 */
	public TieredCache get(String name) {
		TieredCache cache = this.caches.get(name);
		return (cache != null) ? cache : this.caches.computeIfAbsent(name, this::create);
	}

	/**
	 * Returns the caches created so far.
	 * @return the caches
	 */
	public Collection<TieredCache> all() {
		return Collections.unmodifiableCollection(this.caches.values());
	}

	/**
	 * Returns the namespace of this application's Redis keys.
	 * @return the namespace
	 */
	public String namespace() {
		return this.namespace;
	}

	/**
	 * Returns the cache of a name if it was created.
	 * @param name the cache name
	 * @return the cache, or {@code null}
	 */
	public @Nullable TieredCache find(String name) {
		return this.caches.get(name);
	}

	/**
	 * Applies another instance's invalidation to the L1 of a cache, if this instance has
	 * that cache.
	 * @param cacheName the cache
	 * @param redisKey the Redis key, or {@code null} for all entries
	 */
	public void invalidateLocal(String cacheName, @Nullable String redisKey) {
		TieredCache cache = this.caches.get(cacheName);
		if (cache != null) {
			cache.invalidateLocal(redisKey);
		}
	}

	/**
	 * Removes every entry of every cache from both tiers and from the other instances'
	 * L1, as {@link TieredCache#clear()} does for one cache; for example between tests.
	 * Only the caches created so far, on their first use in this JVM, are cleared: what
	 * another process wrote to the L2 of a cache not used here stays. Old keys are
	 * removed from Redis in the background.
	 */
	public void clearAll() {
		this.caches.values().forEach(TieredCache::clear);
	}

	/**
	 * Clears the L1 of every cache, leaving L2 and the other instances alone.
	 */
	public void clearL1() {
		this.caches.values().forEach(TieredCache::clearL1);
	}

	/**
	 * Brings every cache back in line with Redis once this instance may have missed
	 * changes (Redis was away, or the subscription to invalidations was): applies the
	 * evictions and writes that could not reach Redis, so that no instance reads their old
	 * values back, then clears L1. Runs before the instance uses Redis again.
	 */
	public void resynchronize() {
		this.caches.values().forEach(TieredCache::resynchronize);
	}

	/**
	 * Returns the number of evictions and writes of every cache waiting for Redis.
	 * @return the number of keys; a cache waiting to be invalidated as a whole counts one
	 */
	public long pendingWrites() {
		return this.caches.values().stream().mapToLong((cache) -> Math.abs(cache.pendingWrites())).sum();
	}

	@Override
	public void close() {
		this.refresher.shutdownNow();
	}

	private TieredCache create(String name) {
		return TieredCache.builder(this.settings.apply(name), this.namespace)
			.l2(this.l2)
			.codec(this.codec)
			.keyEncoder(this.keyEncoder)
			.metrics(this.metrics)
			.ticker(this.ticker)
			.invalidations(this.invalidations)
			.refresher(this.refresher)
			.observations(this.observations)
			.build();
	}

}
