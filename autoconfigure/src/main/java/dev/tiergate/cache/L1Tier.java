package dev.tiergate.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier of one cache: Caffeine, plus an index from Redis keys to the L1
 * keys stored under them, so that an invalidation naming a Redis key finds its entry
 * (the key encoder gives equal encodings to equal keys only, so one L1 key per Redis key).
 * <p>
 * A value read from L2 or loaded enters L1 only if no write, eviction or invalidation of
 * its Redis key happened since the read started ({@link #stamp} before, {@link #fill}
 * after): otherwise a read racing with an eviction would put the evicted value back. The
 * check and the insert are one atomic step per key, and writes change the stamp before
 * they change the entry, so either the write comes after the fill or the fill is refused.
 */
final class L1Tier {

	/** Stands for a cached {@code null}, which Caffeine does not hold. */
	static final Object NULL = new Object();

	private static final int STRIPES = 64;

	private final @Nullable Cache<Object, Entry> cache;

	private final ConcurrentMap<String, Object> keysByRedisKey = new ConcurrentHashMap<>();

	/** Changes per stripe of Redis keys: a write to one key refuses only the fills near it. */
	private final AtomicLongArray changes = new AtomicLongArray(STRIPES);

	/** Changes of the whole tier (clears): refuse every fill that started before. */
	private final AtomicLong clears = new AtomicLong();

	L1Tier(TieredCacheSettings settings, Ticker ticker, CacheStatistics statistics) {
		EvictionCounter evictions = new EvictionCounter(statistics);
		this.cache = settings.l1Enabled() ? Caffeine.newBuilder()
			.expireAfterWrite(settings.l1Ttl())
			.maximumSize(settings.l1MaxSize())
			.ticker(ticker)
			.recordStats(() -> evictions)
			.<Object, Entry>evictionListener((key, entry, cause) -> {
				if (key != null && entry != null && entry.redisKey() != null) {
					unindex(entry.redisKey(), key);
				}
			})
			.build() : null;
	}

	@Nullable Entry getIfPresent(Object key) {
		Cache<Object, Entry> cache = this.cache;
		return (cache != null) ? cache.getIfPresent(key) : null;
	}

	/**
	 * Returns the Caffeine cache, for Micrometer's {@code CaffeineCacheMetrics}.
	 */
	@Nullable Cache<Object, Entry> caffeine() {
		return this.cache;
	}

	long size() {
		return (this.cache != null) ? this.cache.estimatedSize() : 0;
	}

	/**
	 * Returns the state to hand to {@link #fill} once a value for the key has been read or
	 * loaded.
	 */
	Stamp stamp(Object key, @Nullable String redisKey) {
		return new Stamp(this.clears.get(), this.changes.get(stripe(key, redisKey)));
	}

	/**
	 * Puts a value read or loaded since {@code stamp} was taken, unless the key changed
	 * meanwhile.
	 * @return whether the value was put
	 */
	boolean fill(Object key, Object value, @Nullable String redisKey, Stamp stamp) {
		Cache<Object, Entry> cache = this.cache;
		if (cache == null) {
			return unchangedSince(key, redisKey, stamp);
		}
		boolean[] filled = { false };
		cache.asMap().compute(key, (k, existing) -> {
			if (!unchangedSince(key, redisKey, stamp)) {
				return existing;
			}
			filled[0] = true;
			index(redisKey, key);
			return new Entry(value, redisKey);
		});
		return filled[0];
	}

	boolean unchangedSince(Object key, @Nullable String redisKey, Stamp stamp) {
		return this.clears.get() == stamp.clears() && this.changes.get(stripe(key, redisKey)) == stamp.changes();
	}

	/** Puts a value written by this instance, replacing what any read in flight may bring. */
	void put(Object key, Object value, @Nullable String redisKey) {
		this.changes.incrementAndGet(stripe(key, redisKey));
		Cache<Object, Entry> cache = this.cache;
		if (cache != null) {
			cache.asMap().compute(key, (k, existing) -> {
				index(redisKey, key);
				return new Entry(value, redisKey);
			});
		}
	}

	/** Removes a key, and what the index holds under its Redis key. */
	void invalidate(Object key, @Nullable String redisKey) {
		this.changes.incrementAndGet(stripe(key, redisKey));
		Cache<Object, Entry> cache = this.cache;
		if (cache != null) {
			cache.invalidate(key);
		}
		if (redisKey != null) {
			invalidateIndexed(redisKey);
		}
	}

	/** Removes the key stored under a Redis key, as another instance's invalidation asks. */
	void invalidate(String redisKey) {
		this.changes.incrementAndGet(stripe(redisKey, redisKey));
		invalidateIndexed(redisKey);
	}

	void clear() {
		this.clears.incrementAndGet();
		Cache<Object, Entry> cache = this.cache;
		if (cache != null) {
			cache.invalidateAll();
		}
		this.keysByRedisKey.clear();
	}

	private void invalidateIndexed(String redisKey) {
		Object indexed = this.keysByRedisKey.remove(redisKey);
		Cache<Object, Entry> cache = this.cache;
		if (indexed != null && cache != null) {
			cache.invalidate(indexed);
		}
	}

	private void index(@Nullable String redisKey, Object key) {
		if (redisKey == null) {
			return;
		}
		this.keysByRedisKey.put(redisKey, key);
	}

	private void unindex(String redisKey, Object key) {
		this.keysByRedisKey.remove(redisKey, key);
	}

	/** By Redis key when there is one, so a remote invalidation, which names only that, finds the stripe. */
	private static int stripe(Object key, @Nullable String redisKey) {
		int hash = (redisKey != null) ? redisKey.hashCode() : key.hashCode();
		return (hash ^ (hash >>> 16)) & (STRIPES - 1);
	}

	/** An L1 value with the Redis key it was stored under. */
	record Entry(Object value, @Nullable String redisKey) implements CachedValue {

		@Override
		public @Nullable Object get() {
			return (this.value != NULL) ? this.value : null;
		}

	}

	/** What {@link #fill} compares: the clears and the changes of the key's stripe. */
	record Stamp(long clears, long changes) {
	}

	/**
	 * The statistics Caffeine keeps: only evictions, which tiergate does not see; hits and
	 * misses are reported from the {@link CacheStatistics}, which count them once already.
	 */
	private static final class EvictionCounter implements StatsCounter {

		private final CacheStatistics statistics;

		private final LongAdder evictions = new LongAdder();

		private final LongAdder evictionWeight = new LongAdder();

		EvictionCounter(CacheStatistics statistics) {
			this.statistics = statistics;
		}

		@Override
		public void recordHits(int count) {
		}

		@Override
		public void recordMisses(int count) {
		}

		@Override
		public void recordLoadSuccess(long loadTime) {
		}

		@Override
		public void recordLoadFailure(long loadTime) {
		}

		@Override
		public void recordEviction(int weight, RemovalCause cause) {
			this.evictions.increment();
			this.evictionWeight.add(weight);
		}

		@Override
		public CacheStats snapshot() {
			return CacheStats.of(this.statistics.l1Hits(), this.statistics.l1Misses(), 0, 0, 0, this.evictions.sum(),
					this.evictionWeight.sum());
		}

	}

}
