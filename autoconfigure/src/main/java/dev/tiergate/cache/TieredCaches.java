package dev.tiergate.cache;

import java.time.Duration;
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

	/** How often the default L1 clock is read: an entry outlives its L1 time to live by about this. */
	static final Duration L1_CLOCK_RESOLUTION = Duration.ofMillis(1);

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

	/** Samples the clock for L1 expiry when no ticker is given; closed with the caches. */
	private final @Nullable CoarseTicker l1Clock;

	private TieredCaches(Builder builder) {
		this.settings = builder.settings;
		this.namespace = builder.namespace;
		this.l2 = builder.l2;
		this.codec = builder.codec;
		this.metrics = builder.metrics;
		Ticker ticker = builder.ticker;
		this.ticker = (ticker != null) ? ticker : Ticker.systemTicker();
		this.l1Clock = (ticker != null) ? null : new CoarseTicker(L1_CLOCK_RESOLUTION);
		this.invalidations = builder.invalidations;
		this.observations = builder.observations;
	}

	/**
	 * Starts a registry of caches that run on L1 only, tell no other instance about their
	 * writes and are not observed, until the builder says otherwise.
	 * @param settings the settings of a cache, by name
	 * @param namespace the namespace of all Redis keys of the application
	 * @return the builder
	 */
	public static Builder builder(Function<String, TieredCacheSettings> settings, String namespace) {
		return new Builder(settings, namespace);
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
		if (this.l1Clock != null) {
			this.l1Clock.close();
		}
	}

	/** Returns the clock of L1 expiry this registry samples, if it samples one. */
	@Nullable CoarseTicker l1Clock() {
		return this.l1Clock;
	}

	private TieredCache create(String name) {
		return TieredCache.builder(this.settings.apply(name), this.namespace)
			.l2(this.l2)
			.codec(this.codec)
			.keyEncoder(this.keyEncoder)
			.metrics(this.metrics)
			.ticker(this.ticker)
			.l1Ticker((this.l1Clock != null) ? this.l1Clock : this.ticker)
			.invalidations(this.invalidations)
			.refresher(this.refresher)
			.observations(this.observations)
			.build();
	}

	/**
	 * Builds a {@link TieredCaches}.
	 */
	public static final class Builder {

		private final Function<String, TieredCacheSettings> settings;

		private final String namespace;

		private @Nullable L2Store l2;

		private L2Codec codec = new JsonL2Codec();

		private CacheMetrics.Factory metrics = CacheMetrics.Factory.NONE;

		private @Nullable Ticker ticker;

		private CacheInvalidations invalidations = CacheInvalidations.NONE;

		private TiergateObservations observations = TiergateObservations.NONE;

		private Builder(Function<String, TieredCacheSettings> settings, String namespace) {
			this.settings = settings;
			this.namespace = namespace;
		}

		/**
		 * Sets the shared store.
		 * @param l2 the store, or {@code null} to run on L1 only
		 * @return this builder
		 */
		public Builder l2(@Nullable L2Store l2) {
			this.l2 = l2;
			return this;
		}

		/**
		 * Sets the codec of L2 values.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(L2Codec codec) {
			this.codec = codec;
			return this;
		}

		/**
		 * Sets what creates the metrics of each cache from its statistics.
		 * @param metrics the factory
		 * @return this builder
		 */
		public Builder metrics(CacheMetrics.Factory metrics) {
			this.metrics = metrics;
			return this;
		}

		/**
		 * Sets the time source of L1 expiry, lock waits and load timing. Without one, L1
		 * expiry reads the system clock as sampled every millisecond by a daemon thread
		 * (reading the clock on every hit would cost about a quarter of the hit) and the
		 * rest reads {@link Ticker#systemTicker()}.
		 * @param ticker the ticker
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = ticker;
			return this;
		}

		/**
		 * Sets what tells other instances about writes and evictions.
		 * @param invalidations the invalidations
		 * @return this builder
		 */
		public Builder invalidations(CacheInvalidations invalidations) {
			this.invalidations = invalidations;
			return this;
		}

		/**
		 * Sets what observes the reads that miss L1.
		 * @param observations the observations
		 * @return this builder
		 */
		public Builder observations(TiergateObservations observations) {
			this.observations = observations;
			return this;
		}

		/**
		 * Builds the registry.
		 * @return the registry of caches
		 */
		public TieredCaches build() {
			return new TieredCaches(this);
		}

	}

}
