package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One named cache with two tiers: a Caffeine cache in this JVM (L1) in front of an
 * {@link L2Store} shared by all instances (L2).
 * <p>
 * A read returns an L1 hit at once, without touching L2. On an L1 miss, one caller per
 * key and JVM looks in L2 and, if that misses too, invokes the loader; concurrent callers
 * of the same key wait for that single load, callers of other keys proceed in parallel.
 * Failures of L2 (a Redis error, undecodable bytes) are counted and absorbed: the caller
 * gets the loader's value as if L2 had missed. The loader's own exceptions reach the
 * caller unchanged and are never cached, unless a stale value may answer for it.
 * <p>
 * Writes and evictions are published through {@link CacheInvalidations}, and
 * {@link #invalidateLocal(String)} applies other instances' ones to L1.
 */
public final class TieredCache {

	private static final Log logger = LogFactory.getLog(TieredCache.class);

	/** Returned by {@link #lookupL1} when L1 does not hold the key. */
	public static final Object ABSENT = new Object() {

		@Override
		public String toString() {
			return "ABSENT";
		}

	};

	/** Stands for a cached {@code null} in L1, where Caffeine does not allow nulls. */
	private static final Object NULL = new Object();

	private static final long LOCK_POLL_MILLIS = 10;

	/** Read by {@link #readL2} when Redis failed, so the rest of the call skips Redis. */
	private static final Stored REDIS_FAILED = new Stored(NULL, true, false);

	private final TieredCacheSettings settings;

	private final String keyPrefix;

	private final @Nullable Cache<Object, L1Entry> l1;

	/** Finds the L1 key of a Redis key named in another instance's invalidation. */
	private final ConcurrentMap<String, Object> l1KeysByRedisKey = new ConcurrentHashMap<>();

	private final @Nullable L2Store l2;

	private final L2Codec codec;

	private final CacheKeyEncoder keyEncoder;

	private final CacheMetrics metrics;

	private final CacheStatistics statistics = new CacheStatistics();

	private final CacheInvalidations invalidations;

	private final Executor refresher;

	private final ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loading = new ConcurrentHashMap<>();

	private final Set<Object> refreshing = ConcurrentHashMap.newKeySet();

	/** Counts invalidations received, so a load that raced with one does not fill L1 with the old value. */
	private final AtomicLong invalidationsReceived = new AtomicLong();

	private final String lockToken = UUID.randomUUID().toString();

	private final Set<CacheErrorKind> warned = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a cache that tells no other instance about its writes.
	 * @param settings the settings of this cache
	 * @param namespace the namespace of all Redis keys of the application
	 * @param l2 the shared store, or {@code null} to run on L1 only
	 * @param codec the codec of L2 values
	 * @param keyEncoder the encoder of L2 keys
	 * @param ticker the time source of L1 expiry
	 */
	public TieredCache(TieredCacheSettings settings, String namespace, @Nullable L2Store l2, L2Codec codec,
			CacheKeyEncoder keyEncoder, Ticker ticker) {
		this(settings, namespace, l2, codec, keyEncoder, CacheMetrics.Factory.NONE, ticker, CacheInvalidations.NONE,
				Runnable::run);
	}

	/**
	 * Creates a cache.
	 * @param settings the settings of this cache
	 * @param namespace the namespace of all Redis keys of the application
	 * @param l2 the shared store, or {@code null} to run on L1 only
	 * @param codec the codec of L2 values
	 * @param keyEncoder the encoder of L2 keys
	 * @param metrics creates the metrics of this cache from its statistics
	 * @param ticker the time source of L1 expiry
	 * @param invalidations tells other instances about writes and evictions
	 * @param refresher runs refresh-ahead reloads
	 */
	public TieredCache(TieredCacheSettings settings, String namespace, @Nullable L2Store l2, L2Codec codec,
			CacheKeyEncoder keyEncoder, CacheMetrics.Factory metrics, Ticker ticker, CacheInvalidations invalidations,
			Executor refresher) {
		this.settings = settings;
		this.keyPrefix = namespace + ":" + settings.name() + ":";
		this.l1 = settings.l1Enabled() ? Caffeine.newBuilder()
			.expireAfterWrite(settings.l1Ttl())
			.maximumSize(settings.l1MaxSize())
			.ticker(ticker)
			.<Object, L1Entry>evictionListener((key, entry, cause) -> {
				if (key != null && entry != null && entry.redisKey != null) {
					this.l1KeysByRedisKey.remove(entry.redisKey, key);
				}
			})
			.build() : null;
		this.l2 = settings.l2Enabled() ? l2 : null;
		this.codec = codec;
		this.keyEncoder = keyEncoder;
		this.metrics = metrics.forCache(settings.name(), this.statistics);
		this.invalidations = invalidations;
		this.refresher = refresher;
	}

	/**
	 * Returns the name of this cache.
	 * @return the name
	 */
	public String name() {
		return this.settings.name();
	}

	/**
	 * Returns the settings of this cache.
	 * @return the settings
	 */
	public TieredCacheSettings settings() {
		return this.settings;
	}

	/**
	 * Returns what happened in this cache so far.
	 * @return the statistics
	 */
	public CacheStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Returns whether this cache has a shared tier.
	 * @return whether L2 is used
	 */
	public boolean hasL2() {
		return this.l2 != null;
	}

	/**
	 * Returns the number of entries in L1, an estimate.
	 * @return the L1 size
	 */
	public long l1Size() {
		return (this.l1 != null) ? this.l1.estimatedSize() : 0;
	}

	/**
	 * Returns the Redis key of a cache key: {@code <namespace>:<cache>:<encoded key>}.
	 * @param key the cache key
	 * @return the Redis key
	 */
	public String redisKey(Object key) {
		return this.keyPrefix + this.keyEncoder.encode(key);
	}

	/**
	 * Returns the value for a key, from L1, from L2, or from the loader.
	 * @param key the cache key
	 * @param valueType the declared type of values, used to decode L2 bytes
	 * @param loader computes the value on a miss
	 * @param storable tells whether a loaded value may be stored (the {@code unless}
	 * veto); {@code null} values are never stored unless the cache stores nulls
	 * @return the value
	 * @throws Throwable what the loader threw
	 */
	public @Nullable Object get(Object key, Type valueType, Loader loader, Predicate<@Nullable Object> storable)
			throws Throwable {
		Object cached = lookupL1(key);
		return (cached != ABSENT) ? cached : load(key, valueType, loader, storable);
	}

	/**
	 * Looks a key up in L1 only. This is the first half of {@link #get}, for callers
	 * that want to create the loader only on a miss.
	 * @param key the cache key
	 * @return the value (possibly a cached {@code null}), or {@link #ABSENT}
	 */
	public @Nullable Object lookupL1(Object key) {
		Cache<Object, L1Entry> l1 = this.l1;
		if (l1 == null) {
			return ABSENT;
		}
		L1Entry cached = l1.getIfPresent(key);
		this.statistics.recordL1Get(cached != null);
		if (cached == null) {
			return ABSENT;
		}
		return (cached.value != NULL) ? cached.value : null;
	}

	/**
	 * Loads the value of a key that {@link #lookupL1} did not find: one caller per key
	 * and JVM reads L2 and, on a miss there, invokes the loader and writes both tiers;
	 * concurrent callers of the same key wait for its result.
	 * @param key the cache key
	 * @param valueType the declared type of values, used to decode L2 bytes
	 * @param loader computes the value on a miss
	 * @param storable tells whether a loaded value may be stored
	 * @return the value
	 * @throws Throwable what the loader threw
	 */
	public @Nullable Object load(Object key, Type valueType, Loader loader, Predicate<@Nullable Object> storable)
			throws Throwable {
		CompletableFuture<@Nullable Object> flight = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> leader = this.loading.putIfAbsent(key, flight);
		if (leader != null) {
			return awaitLoad(leader);
		}
		try {
			// A load that finished between the caller's L1 miss and our putIfAbsent has filled L1.
			L1Entry cached = (this.l1 != null) ? this.l1.getIfPresent(key) : null;
			Object value = (cached != null) ? ((cached.value != NULL) ? cached.value : null)
					: loadThroughL2(key, valueType, loader, storable);
			flight.complete(value);
			return value;
		}
		catch (Throwable ex) {
			flight.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loading.remove(key, flight);
		}
	}

	private @Nullable Object loadThroughL2(Object key, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable) throws Throwable {
		String redisKey = (this.l2 != null || this.invalidations != CacheInvalidations.NONE) ? redisKeyOrNull(key)
				: null;
		long invalidationsBefore = this.invalidationsReceived.get();
		Stored stored = (this.l2 != null && redisKey != null) ? readL2(redisKey, valueType) : null;
		if (stored == REDIS_FAILED) {
			// One Redis failure per call at most: the rest of this call goes without Redis.
			return invoke(loader, key, null, valueType, storable);
		}
		if (stored != null && !stored.stale) {
			if (this.invalidationsReceived.get() == invalidationsBefore) {
				putL1(key, stored.value, redisKey);
			}
			if (stored.refreshDue) {
				refreshAsync(key, redisKey, valueType, loader, storable);
			}
			return (stored.value != NULL) ? stored.value : null;
		}
		String lockKey = (this.settings.lock() && this.l2 != null && redisKey != null) ? lockKey(redisKey) : null;
		boolean locked = false;
		if (lockKey != null) {
			locked = tryLock(lockKey);
			if (!locked) {
				Object loadedElsewhere = awaitOtherInstance(redisKey, valueType);
				if (loadedElsewhere != null) {
					putL1(key, loadedElsewhere, redisKey);
					return (loadedElsewhere != NULL) ? loadedElsewhere : null;
				}
			}
		}
		try {
			Object value;
			try {
				value = invoke(loader);
			}
			catch (Throwable ex) {
				if (stored != null) {
					this.statistics.recordStaleServed();
					if (logger.isDebugEnabled()) {
						logger.debug("Tiered cache '" + name() + "' answers with a stale value because the method"
								+ " failed: " + ex);
					}
					return (stored.value != NULL) ? stored.value : null;
				}
				throw ex;
			}
			store(key, redisKey, value, valueType, storable);
			return value;
		}
		finally {
			if (locked) {
				unlock(lockKey);
			}
		}
	}

	private @Nullable Object invoke(Loader loader, Object key, @Nullable String redisKey, Type valueType,
			Predicate<@Nullable Object> storable) throws Throwable {
		Object value = invoke(loader);
		store(key, redisKey, value, valueType, storable);
		return value;
	}

	private void store(Object key, @Nullable String redisKey, @Nullable Object value, Type valueType,
			Predicate<@Nullable Object> storable) {
		if ((value != null || this.settings.cacheNulls()) && storable.test(value)) {
			if (this.l2 != null && redisKey != null) {
				writeL2(redisKey, value, valueType);
			}
			putL1(key, (value != null) ? value : NULL, redisKey);
		}
	}

	private void refreshAsync(Object key, String redisKey, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable) {
		if (!this.refreshing.add(key)) {
			return;
		}
		try {
			this.refresher.execute(() -> {
				try {
					Object value = invoke(loader);
					store(key, redisKey, value, valueType, storable);
					publish(redisKey);
				}
				catch (Throwable ex) {
					logger.debug("Tiered cache '" + name() + "': refresh-ahead failed; the current value stays", ex);
				}
				finally {
					this.refreshing.remove(key);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshing.remove(key);
		}
	}

	/**
	 * Stores a value in both tiers, replacing what was there, and tells the other
	 * instances.
	 * @param key the cache key
	 * @param valueType the declared type of the value
	 * @param value the value; a {@code null} is stored only when the cache stores nulls,
	 * otherwise the key is evicted
	 */
	public void put(Object key, Type valueType, @Nullable Object value) {
		if (value == null && !this.settings.cacheNulls()) {
			evict(key);
			return;
		}
		String redisKey = redisKeyOrNull(key);
		boolean written = this.l2 == null || redisKey == null || writeL2(redisKey, value, valueType);
		putL1(key, (value != null) ? value : NULL, redisKey);
		if (written) {
			publish(redisKey);
		}
	}

	/**
	 * Removes a key from both tiers and from the other instances' L1.
	 * @param key the cache key
	 */
	public void evict(Object key) {
		if (this.l1 != null) {
			this.l1.invalidate(key);
		}
		String redisKey = redisKeyOrNull(key);
		if (redisKey == null) {
			return;
		}
		this.l1KeysByRedisKey.remove(redisKey);
		deleteEverywhere(redisKey);
	}

	/**
	 * Removes an entry named by its encoded key, the part of its Redis key after
	 * {@code <namespace>:<cache>:}, from both tiers and from every instance's L1: for
	 * operators, who see Redis keys rather than key objects.
	 * @param encodedKey the encoded key, for example {@code 42} or {@code "kettle"}
	 */
	public void evictEncoded(String encodedKey) {
		String redisKey = this.keyPrefix + encodedKey;
		dropFromL1(redisKey);
		deleteEverywhere(redisKey);
	}

	/** Deletes a key from L2 and tells the other instances, once this instance's L1 is done. */
	private void deleteEverywhere(String redisKey) {
		if (this.l2 != null) {
			try {
				this.l2.delete(redisKey);
			}
			catch (RuntimeException ex) {
				// The others will clear their L1 when Redis is back; no second timeout here.
				redisFailed(ex);
				return;
			}
		}
		publish(redisKey);
	}

	/**
	 * Removes every entry of this cache from both tiers and from the other instances' L1.
	 */
	public void clear() {
		clearL1();
		if (this.l2 != null) {
			try {
				this.l2.deleteByPrefix(this.keyPrefix);
			}
			catch (RuntimeException ex) {
				redisFailed(ex);
				return;
			}
		}
		publish(null);
	}

	/**
	 * Removes every entry of L1 only, leaving L2 and the other instances alone.
	 */
	public void clearL1() {
		this.invalidationsReceived.incrementAndGet();
		if (this.l1 != null) {
			this.l1.invalidateAll();
		}
		this.l1KeysByRedisKey.clear();
	}

	/**
	 * Applies another instance's invalidation to L1.
	 * @param redisKey the Redis key of the entry, or {@code null} for all entries
	 */
	public void invalidateLocal(@Nullable String redisKey) {
		this.statistics.recordInvalidation(false);
		if (redisKey == null) {
			clearL1();
		}
		else {
			dropFromL1(redisKey);
		}
	}

	private void dropFromL1(String redisKey) {
		this.invalidationsReceived.incrementAndGet();
		Object key = this.l1KeysByRedisKey.remove(redisKey);
		if (key != null && this.l1 != null) {
			this.l1.invalidate(key);
		}
	}

	private void publish(@Nullable String redisKey) {
		if (this.invalidations != CacheInvalidations.NONE) {
			this.statistics.recordInvalidation(true);
			this.invalidations.publish(name(), redisKey);
		}
	}

	private @Nullable Stored readL2(String redisKey, Type valueType) {
		byte[] bytes;
		long ttlMillis = -1;
		try {
			if (this.settings.tracksFreshness()) {
				L2Store.Expiring expiring = this.l2.getWithTtl(redisKey);
				bytes = (expiring != null) ? expiring.value() : null;
				ttlMillis = (expiring != null) ? expiring.ttlMillis() : -1;
			}
			else {
				bytes = this.l2.get(redisKey);
			}
		}
		catch (RuntimeException ex) {
			redisFailed(ex);
			return REDIS_FAILED;
		}
		if (bytes == null) {
			this.statistics.recordL2Get(false);
			return null;
		}
		Object value;
		try {
			value = this.codec.decode(bytes, valueType);
		}
		catch (RuntimeException ex) {
			// Without the exception: parsers quote what they could not read, and that is cached data.
			String reason = (ex instanceof L2Codec.UndecodableValueException) ? ex.getMessage()
					: ex.getClass().getName();
			absorb(CacheErrorKind.DECODE, "An L2 value could not be decoded as " + valueType.getTypeName()
					+ " and is treated as a miss (written by an incompatible version of the class?): " + reason, null);
			this.statistics.recordL2Get(false);
			return null;
		}
		if (value == null && !this.settings.cacheNulls()) {
			this.statistics.recordL2Get(false);
			return null;
		}
		this.warned.remove(CacheErrorKind.REDIS);
		Object stored = (value != null) ? value : NULL;
		if (ttlMillis < 0) {
			this.statistics.recordL2Get(true);
			return new Stored(stored, false, false);
		}
		long freshMillis = ttlMillis - this.settings.staleTtl().toMillis();
		boolean stale = freshMillis <= 0;
		this.statistics.recordL2Get(!stale);
		return new Stored(stored, stale, !stale && freshMillis < this.settings.refreshAhead().toMillis());
	}

	/** Writes L2 and returns whether Redis answered (an unencodable value is no Redis failure). */
	private boolean writeL2(String redisKey, @Nullable Object value, Type valueType) {
		byte[] bytes;
		try {
			bytes = this.codec.encode(value, valueType);
		}
		catch (RuntimeException ex) {
			absorb(CacheErrorKind.ENCODE, "A value of type " + valueType.getTypeName()
					+ " could not be encoded and is kept in L1 only", ex);
			return true;
		}
		if (bytes.length > this.settings.maxValueBytes()) {
			absorb(CacheErrorKind.TOO_LARGE, "A value of " + bytes.length + " bytes is larger than the largest"
					+ " written to Redis (" + this.settings.maxValueBytes() + " bytes, tiergate.cache.max-value-size)"
					+ " and is kept in L1 only", null);
			return true;
		}
		try {
			this.l2.set(redisKey, bytes, l2Ttl());
			this.warned.remove(CacheErrorKind.REDIS);
			return true;
		}
		catch (RuntimeException ex) {
			redisFailed(ex);
			return false;
		}
	}

	/** Fresh TTL with jitter, plus the window in which the entry may still answer as stale. */
	private Duration l2Ttl() {
		long ttl = this.settings.l2Ttl().toMillis();
		double jitter = this.settings.l2TtlJitter();
		long spread = (jitter != 0) ? (long) (ttl * jitter * ThreadLocalRandom.current().nextDouble()) : 0;
		return Duration.ofMillis(Math.max(1, ttl - spread) + this.settings.staleTtl().toMillis());
	}

	private String lockKey(String redisKey) {
		return this.keyPrefix + "lock:" + redisKey.substring(this.keyPrefix.length());
	}

	private boolean tryLock(String lockKey) {
		try {
			return this.l2.tryLock(lockKey, this.lockToken, this.settings.lockLease());
		}
		catch (RuntimeException ex) {
			// Without Redis there is nobody to coordinate with: load here.
			redisFailed(ex);
			return false;
		}
	}

	private void unlock(String lockKey) {
		try {
			this.l2.unlock(lockKey, this.lockToken);
		}
		catch (RuntimeException ex) {
			// The lease expires by itself.
			redisFailed(ex);
		}
	}

	/** Polls L2 for the value another instance is loading, for at most the lock wait. */
	private @Nullable Object awaitOtherInstance(String redisKey, Type valueType) throws InterruptedException {
		long deadline = System.nanoTime() + this.settings.lockWait().toNanos();
		while (System.nanoTime() < deadline) {
			TimeUnit.MILLISECONDS.sleep(LOCK_POLL_MILLIS);
			Stored stored = readL2(redisKey, valueType);
			if (stored == REDIS_FAILED) {
				return null;
			}
			if (stored != null && !stored.stale) {
				return stored.value;
			}
		}
		return null;
	}

	private @Nullable String redisKeyOrNull(Object key) {
		try {
			return redisKey(key);
		}
		catch (CacheKeyEncoder.UnencodableKeyException ex) {
			// The message names the type; the cause could quote the key, which is client data.
			absorb(CacheErrorKind.KEY, ex.getMessage() + "; such calls are served without L2"
					+ " (give the annotation a key expression that yields a simple value)", null);
			return null;
		}
	}

	private void putL1(Object key, Object value, @Nullable String redisKey) {
		if (this.l1 != null) {
			this.l1.put(key, new L1Entry(value, redisKey));
			if (redisKey != null) {
				this.l1KeysByRedisKey.put(redisKey, key);
			}
		}
	}

	private @Nullable Object invoke(Loader loader) throws Throwable {
		long start = System.nanoTime();
		boolean success = false;
		try {
			Object value = loader.load();
			success = true;
			return value;
		}
		finally {
			this.statistics.recordLoad(success);
			this.metrics.load(System.nanoTime() - start, success);
		}
	}

	private void redisFailed(RuntimeException ex) {
		absorb(CacheErrorKind.REDIS, "Redis failed (" + ex + "); serving without L2 until it answers again", null);
	}

	/** Counts every absorbed failure but logs each kind once until it clears, never per call. */
	private void absorb(CacheErrorKind kind, String message, @Nullable Throwable ex) {
		this.statistics.recordError(kind);
		if (this.warned.add(kind) && logger.isWarnEnabled()) {
			logger.warn("Tiered cache '" + name() + "': " + message, ex);
		}
	}

	private static @Nullable Object awaitLoad(CompletableFuture<@Nullable Object> leader) throws Throwable {
		try {
			return leader.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	@Override
	public String toString() {
		return "TieredCache '" + name() + "'";
	}

	/**
	 * Computes a value on a miss: in practice, invokes the cached method.
	 */
	@FunctionalInterface
	public interface Loader {

		/**
		 * Computes the value.
		 * @return the value, possibly {@code null}
		 * @throws Throwable whatever the computation throws
		 */
		@Nullable Object load() throws Throwable;

	}

	/** An L1 value with the Redis key it was stored under, so evicting it can clean the index. */
	private record L1Entry(Object value, @Nullable String redisKey) {
	}

	/** A decoded L2 value; stale ones may only answer for a failing method. */
	private record Stored(Object value, boolean stale, boolean refreshDue) {
	}

}
