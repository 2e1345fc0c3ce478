package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.observation.TiergateObservations;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * One named cache with two tiers: a Caffeine cache in this JVM (L1) in front of an
 * {@link L2Store} shared by all instances (L2).
 * <p>
 * A read returns an L1 hit at once, without touching L2. On an L1 miss, one caller per
 * key and JVM looks in L2 and, if that misses too, invokes the loader; concurrent callers
 * of the same key wait for that single load. Failures of L2 (a Redis error, undecodable
 * bytes) are counted and absorbed: the caller gets the loader's value as if L2 had
 * missed, and the rest of the call sends nothing more to Redis. The loader's own
 * exceptions reach the caller unchanged and are never cached, unless a stale value may
 * answer for it.
 * <p>
 * Writes and evictions are published through {@link CacheInvalidations}, and
 * {@link #invalidateLocal(String)} applies other instances' ones to L1. A write or
 * eviction that could not reach Redis is kept and applied (as a delete) and published
 * once Redis answers again: see {@link PendingWrites}.
 */
public final class TieredCache {

	private static final Duration FIRST_RETRY = Duration.ofMillis(100);

	private static final Duration LAST_RETRY = Duration.ofSeconds(5);

	/** Above this many keys, applying pending writes announces "all entries" rather than each key. */
	private static final int MAX_KEYS_ANNOUNCED = 100;

	private final TieredCacheSettings settings;

	private final String keyPrefix;

	private final L1Tier l1;

	private final @Nullable L2Tier l2;

	private final CacheKeyEncoder keyEncoder;

	private final CacheMetrics metrics;

	private final CacheStatistics statistics = new CacheStatistics();

	private final FailureLog failures;

	private final CacheInvalidations invalidations;

	private final SingleFlight singleFlight = new SingleFlight();

	private final @Nullable CrossInstanceLock lock;

	private final RefreshAhead refreshAhead;

	private final PendingWrites pending = new PendingWrites(PendingWrites.DEFAULT_CAPACITY);

	private final Ticker ticker;

	private final AtomicBoolean applyingPending = new AtomicBoolean();

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private final AtomicBoolean cleaningUp = new AtomicBoolean();

	private volatile Duration nextRetry = FIRST_RETRY;

	private final TiergateObservations observations;

	private final KeyValues observedAs;

	private final Executor asyncExecutor;

	private TieredCache(Builder builder) {
		TieredCacheSettings settings = builder.settings;
		String namespace = builder.namespace;
		Ticker ticker = builder.ticker;
		this.observations = builder.observations;
		this.observedAs = KeyValues.of("cache", settings.name());
		this.settings = settings;
		this.keyPrefix = namespace + ":" + settings.name() + ":";
		this.failures = new FailureLog(settings.name(), this.statistics);
		Ticker l1Ticker = builder.l1Ticker;
		this.l1 = new L1Tier(settings, (l1Ticker != null) ? l1Ticker : ticker, this.statistics);
		L2Store store = settings.l2Enabled() ? builder.l2 : null;
		this.l2 = (store != null) ? new L2Tier(settings, this.keyPrefix, store, builder.codec, this.failures,
				this.statistics, this.l1::clear) : null;
		this.lock = (store != null && settings.lock()) ? new CrossInstanceLock(store, settings.lockLease(),
				settings.lockWait(), ticker, this.failures) : null;
		this.keyEncoder = builder.keyEncoder;
		this.metrics = builder.metrics.forCache(settings.name(), this.statistics);
		Cache<Object, ?> l1Cache = this.l1.caffeine();
		if (l1Cache != null) {
			this.metrics.bindL1(l1Cache);
		}
		this.invalidations = builder.invalidations;
		this.refreshAhead = new RefreshAhead(builder.refresher);
		this.ticker = ticker;
		this.asyncExecutor = builder.asyncExecutor;
	}

	/**
	 * Starts a cache that runs on L1 only, tells no other instance about its writes,
	 * reloads ahead on the calling thread and reads the system ticker, until the builder
	 * says otherwise.
	 * @param settings the settings of this cache
	 * @param namespace the namespace of all Redis keys of the application
	 * @return the builder
	 */
	public static Builder builder(TieredCacheSettings settings, String namespace) {
		return new Builder(settings, namespace);
	}

	/**
	 * Returns why arguments of a declared type can never be part of a key, for a check at
	 * startup. Types that may hold an accepted value at run time (an interface,
	 * {@code Object}, {@code Number}) pass: their values are checked when they are encoded.
	 * @param type the declared type of a key or of a method parameter that is part of one
	 * @return the reason, or {@code null} when values of the type may be accepted
	 */
	public static @Nullable String keyRefusal(Type type) {
		return CacheKeyEncoder.refusal(type);
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
		return this.l1.size();
	}

	/**
	 * Returns the number of evictions and writes waiting for Redis to apply them.
	 * @return the number of keys, or -1 when the whole cache waits to be invalidated
	 */
	public long pendingWrites() {
		return this.pending.size();
	}

	/**
	 * Returns whether the keys of an earlier generation (left by a clear) are being
	 * removed from Redis in the background.
	 * @return whether the removal runs
	 */
	public boolean isRemovingEarlierGenerations() {
		return this.cleaningUp.get();
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
	 * Returns why values of a declared type could never come back from this cache's L2 as
	 * they were written, when the type alone shows it (see {@link L2Codec#problem}), so
	 * that a method returning it is refused at startup.
	 * @param valueType the declared type of the values
	 * @return the reason, or {@code null}; always {@code null} without L2
	 */
	public @Nullable String valueTypeProblem(Type valueType) {
		L2Tier l2 = this.l2;
		return (l2 != null) ? l2.problem(valueType) : null;
	}

	/**
	 * Returns the value of a key if L1 holds it, without going to L2: the first half of
	 * {@link #get}, for callers that create the loader only on a miss. Counts hits; a miss
	 * is counted by the {@code get} that follows it. Misses when the current
	 * {@link CacheLookups} scope bypasses this cache.
	 * @param key the cache key
	 * @return the value, or {@code null} when L1 does not hold the key
	 */
	public @Nullable CachedValue getIfPresent(Object key) {
		if (CacheLookups.bypasses(name())) {
			// The get that follows the miss skips both tiers.
			return null;
		}
		L1Tier.Entry entry = this.l1.getIfPresent(key);
		if (entry != null) {
			this.statistics.recordL1Get(true);
			CacheLookups.record(name(), CacheLookups.Lookup.L1_HIT);
			if (this.observations.observesL1Hits()) {
				observeL1Hit();
			}
		}
		return entry;
	}

	/**
	 * Looks a key up in L1, then in L2, without loading anything: for callers that load
	 * and {@link #put} themselves, such as Spring's {@code Cache.get(key)}. An L2 hit fills
	 * L1. A stale L2 value is a miss here: no load is under way that it could stand in for.
	 * @param key the cache key
	 * @param valueType the declared type of values, used to decode L2 bytes
	 * @return the value, or {@code null} on a miss
	 */
	public @Nullable CachedValue find(Object key, Type valueType) {
		L1Tier.Entry entry = this.l1.getIfPresent(key);
		if (this.settings.l1Enabled()) {
			this.statistics.recordL1Get(entry != null);
		}
		L2Tier l2 = this.l2;
		if (entry != null || l2 == null) {
			return entry;
		}
		String redisKey = redisKeyOrNull(key);
		if (redisKey == null || this.pending.covers(redisKey)) {
			return null;
		}
		L1Tier.Stamp stamp = this.l1.stamp(key, redisKey);
		return found(key, redisKey, stamp, l2.read(redisKey, valueType));
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
		if (CacheLookups.bypasses(name())) {
			return bypass(key, valueType, loader, storable);
		}
		L1Tier.Entry entry = this.l1.getIfPresent(key);
		if (this.settings.l1Enabled()) {
			this.statistics.recordL1Get(entry != null);
		}
		if (entry != null) {
			CacheLookups.record(name(), CacheLookups.Lookup.L1_HIT);
			if (this.observations.observesL1Hits()) {
				observeL1Hit();
			}
			return entry.get();
		}
		// The caller that leads the flight records where it found the value; the others waited for it.
		CacheLookups.record(name(), CacheLookups.Lookup.COLLAPSED);
		if (!this.observations.isEnabled()) {
			return this.singleFlight.load(key, () -> readThrough(key, valueType, loader, storable, null));
		}
		return observedMiss(key, valueType, loader, storable);
	}

	/**
	 * Returns the value for a key as {@link #get} does, without blocking the caller: an L1
	 * hit answers with a completed future; otherwise L2 is read through its asynchronous
	 * API, and on a miss the loader runs, once per key and JVM for concurrent callers. A
	 * failure of L2 (a timeout, the breaker open) counts as a miss and never reaches the
	 * caller. Each caller gets a future of its own: cancelling it leaves the shared load
	 * alone. The loader's failure reaches every caller of that load and is not cached
	 * (a stale L2 value answers for it, if any). The loaded value goes to L2 without
	 * waiting for Redis. With the cross-instance {@code lock}, a miss takes the lease or
	 * waits for its holder's value as {@link #get} does, by polls scheduled on the
	 * asynchronous executor instead of a blocked thread.
	 * <p>
	 * Continuations after an L2 reply run on the thread that completes it; the loader,
	 * when it runs after one, runs on the executor of
	 * {@link Builder#asyncExecutor(Executor)}, never on Redis' I/O thread.
	 * @param key the cache key
	 * @param valueType the declared type of values, used to decode L2 bytes
	 * @param loader starts computing the value on a miss
	 * @param storable tells whether a loaded value may be stored (the {@code unless}
	 * veto); {@code null} values are never stored unless the cache stores nulls
	 * @return the value, or a future failed with what the loader failed with
	 */
	public CompletableFuture<@Nullable Object> getAsync(Object key, Type valueType,
			Supplier<? extends CompletionStage<?>> loader, Predicate<@Nullable Object> storable) {
		if (CacheLookups.bypasses(name())) {
			CacheLookups.record(name(), CacheLookups.Lookup.BYPASS);
			return invokeAsync(loader, null).thenApplyAsync((value) -> {
				if ((value != null || this.settings.cacheNulls()) && storable.test(value)) {
					put(key, valueType, value);
				}
				return value;
			}, this.asyncExecutor);
		}
		L1Tier.Entry entry = this.l1.getIfPresent(key);
		if (this.settings.l1Enabled()) {
			this.statistics.recordL1Get(entry != null);
		}
		if (entry != null) {
			CacheLookups.record(name(), CacheLookups.Lookup.L1_HIT);
			return CompletableFuture.completedFuture(entry.get());
		}
		CacheLookups.record(name(), CacheLookups.Lookup.COLLAPSED);
		return this.singleFlight.loadAsync(key, () -> readThroughAsync(key, valueType, loader, storable));
	}

	private CompletableFuture<@Nullable Object> readThroughAsync(Object key, Type valueType,
			Supplier<? extends CompletionStage<?>> loader, Predicate<@Nullable Object> storable) {
		L1Tier.Entry raced = this.l1.getIfPresent(key);
		if (raced != null) {
			return CompletableFuture.completedFuture(raced.get());
		}
		String redisKey = (this.l2 != null || this.invalidations != CacheInvalidations.NONE) ? redisKeyOrNull(key)
				: null;
		L1Tier.Stamp stamp = this.l1.stamp(key, redisKey);
		L2Tier l2 = this.l2;
		if (l2 == null || redisKey == null || this.pending.covers(redisKey)) {
			return loadAndStoreAsync(key, redisKey, valueType, loader, storable, stamp, false, null, null);
		}
		return l2.readAsync(redisKey, valueType).thenCompose((read) -> {
			if (read instanceof L2Read.Hit hit) {
				Loader blocking = () -> joined(loader);
				if (!hit.refreshDue()) {
					return CompletableFuture.completedFuture(hit(key, redisKey, valueType, blocking, storable, stamp, hit));
				}
				Object value = hit(key, redisKey, valueType, blocking, storable, stamp, new L2Read.Hit(hit.value(), false));
				// The refresher may reload on the calling thread, here possibly Lettuce's: hand the reload over first.
				this.asyncExecutor.execute(() -> this.refreshAhead.refresh(key,
						() -> refresh(key, redisKey, valueType, blocking, storable)));
				return CompletableFuture.completedFuture(value);
			}
			L2Read.Stale stale = (read instanceof L2Read.Stale s) ? s : null;
			CrossInstanceLock lock = this.lock;
			if (read == L2Read.UNAVAILABLE || lock == null) {
				return loadAndStoreAsync(key, redisKey, valueType, loader, storable, stamp, read != L2Read.UNAVAILABLE,
						stale, this.asyncExecutor);
			}
			return lockedLoadAsync(lock, l2, key, redisKey, valueType, loader, storable, stamp, stale);
		});
	}

	/**
	 * A miss of a cache with the cross-instance {@code lock}, as {@code readThrough} does it,
	 * without blocking: the lease taken, or the holder's value awaited by polls scheduled on
	 * the asynchronous executor, each one asynchronous read.
	 */
	private CompletableFuture<@Nullable Object> lockedLoadAsync(CrossInstanceLock lock, L2Tier l2, Object key,
			String redisKey, Type valueType, Supplier<? extends CompletionStage<?>> loader,
			Predicate<@Nullable Object> storable, L1Tier.Stamp stamp, L2Read.@Nullable Stale stale) {
		String lockKey = entryLockKey(redisKey);
		return lock.acquireAsync(lockKey).thenCompose((acquisition) -> switch (acquisition) {
			// Let go once the value is in L2: a waiter that sees the lease gone reads it there.
			case ACQUIRED -> loadAndStoreAsync(key, redisKey, valueType, loader, storable, stamp, true, stale,
					this.asyncExecutor, () -> lock.releaseAsync(lockKey));
			case UNAVAILABLE -> loadAndStoreAsync(key, redisKey, valueType, loader, storable, stamp, false, stale,
					this.asyncExecutor);
			case HELD_ELSEWHERE -> lock.awaitHolderAsync(redisKey, lockKey, valueType, l2, this.asyncExecutor)
				.thenCompose((awaited) -> {
					if (awaited instanceof L2Read.Hit hit) {
						// Just written by the holder: no refresh is due; none may run on this thread anyway.
						return CompletableFuture.completedFuture(hit(key, redisKey, valueType, () -> joined(loader),
								storable, stamp, new L2Read.Hit(hit.value(), false)));
					}
					return loadAndStoreAsync(key, redisKey, valueType, loader, storable, stamp,
							awaited != L2Read.UNAVAILABLE, stale, this.asyncExecutor);
				});
		});
	}

	/**
	 * Runs the loader and stores its value, as {@code loadAndStore} does.
	 * @param executor where the loader runs, {@code null} for the calling thread
	 */
	private CompletableFuture<@Nullable Object> loadAndStoreAsync(Object key, @Nullable String redisKey,
			Type valueType, Supplier<? extends CompletionStage<?>> loader, Predicate<@Nullable Object> storable,
			L1Tier.Stamp stamp, boolean useL2, L2Read.@Nullable Stale stale, @Nullable Executor executor) {
		return loadAndStoreAsync(key, redisKey, valueType, loader, storable, stamp, useL2, stale, executor, null);
	}

	/**
	 * As above.
	 * @param afterWrite run once the value is in L2 (or nothing is written, or the loader
	 * failed)
	 */
	private CompletableFuture<@Nullable Object> loadAndStoreAsync(Object key, @Nullable String redisKey,
			Type valueType, Supplier<? extends CompletionStage<?>> loader, Predicate<@Nullable Object> storable,
			L1Tier.Stamp stamp, boolean useL2, L2Read.@Nullable Stale stale, @Nullable Executor executor,
			@Nullable Runnable afterWrite) {
		return invokeAsync(loader, executor).handle((value, ex) -> {
			if (ex == null) {
				store(key, redisKey, value, valueType, storable, stamp, useL2, true, afterWrite);
				return value;
			}
			if (afterWrite != null) {
				afterWrite.run();
			}
			if (stale == null) {
				throw (ex instanceof CompletionException completion) ? completion : new CompletionException(ex);
			}
			this.statistics.recordStaleServed();
			this.failures.debug("answers with a stale value because the method failed: " + ex, null);
			return unwrap(stale.value());
		});
	}

	/** Starts the loader, timed and counted as {@code invoke} does. */
	private CompletableFuture<@Nullable Object> invokeAsync(Supplier<? extends CompletionStage<?>> loader,
			@Nullable Executor executor) {
		long start = this.ticker.read();
		CompletableFuture<@Nullable Object> loaded;
		if (executor != null) {
			loaded = CompletableFuture.supplyAsync(() -> started(loader), executor).thenCompose((stage) -> stage);
		}
		else {
			loaded = started(loader);
		}
		return loaded.whenComplete((value, ex) -> {
			this.statistics.recordLoad(ex == null);
			this.metrics.load(this.ticker.read() - start, ex == null);
		});
	}

	@SuppressWarnings("unchecked")
	private static CompletableFuture<@Nullable Object> started(Supplier<? extends CompletionStage<?>> loader) {
		CompletionStage<?> stage;
		try {
			stage = loader.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			return CompletableFuture.failedFuture(
					new IllegalStateException("The loader returned null instead of a completion stage"));
		}
		return (CompletableFuture<@Nullable Object>) stage.toCompletableFuture();
	}

	/** An asynchronous loader as a blocking one, for refresh-ahead, which runs on the refresher's thread. */
	private static @Nullable Object joined(Supplier<? extends CompletionStage<?>> loader) throws Throwable {
		try {
			return started(loader).join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	/**
	 * Looks a key up in L1, then in L2, as {@link #find} does, without blocking the caller.
	 * An L1 hit answers with a completed future; an answer of Redis completes it on the
	 * {@linkplain Builder#asyncExecutor(Executor) asynchronous executor}, never on Redis'
	 * I/O thread, since what callers do next (Spring invokes the method on a miss, and
	 * stores its value with a blocking put) must not hold up every Redis reply.
	 * @param key the cache key
	 * @param valueType the declared type of values, used to decode L2 bytes
	 * @return the value, or {@code null} on a miss; never completes exceptionally because
	 * of Redis
	 */
	public CompletableFuture<@Nullable CachedValue> findAsync(Object key, Type valueType) {
		L1Tier.Entry entry = this.l1.getIfPresent(key);
		if (this.settings.l1Enabled()) {
			this.statistics.recordL1Get(entry != null);
		}
		L2Tier l2 = this.l2;
		if (entry != null || l2 == null) {
			return CompletableFuture.completedFuture(entry);
		}
		String redisKey = redisKeyOrNull(key);
		if (redisKey == null || this.pending.covers(redisKey)) {
			return CompletableFuture.completedFuture(null);
		}
		L1Tier.Stamp stamp = this.l1.stamp(key, redisKey);
		return l2.readAsync(redisKey, valueType)
			.thenApplyAsync((read) -> found(key, redisKey, stamp, read), this.asyncExecutor);
	}

	/** What {@code find} answers for an L2 read: a hit fills L1, anything else misses. */
	private @Nullable CachedValue found(Object key, String redisKey, L1Tier.Stamp stamp, L2Read read) {
		if (read instanceof L2Read.Hit hit) {
			this.l1.fill(key, hit.value(), redisKey, stamp);
			Object value = unwrap(hit.value());
			return () -> value;
		}
		return null;
	}

	private void observeL1Hit() {
		this.observations.start(TiergateObservations.CACHE_GET,
				this.observedAs.and("tier", "l1", "result", "hit", "mode", (this.l2 != null) ? "tiered" : "l1-only"))
			.stop();
	}

	/**
	 * A read that missed L1, as an observation: tagged with the tier that answered and how
	 * ({@code shared} for a caller that joined another caller's load in this JVM).
	 */
	private @Nullable Object observedMiss(Object key, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable) throws Throwable {
		ReadTrace trace = new ReadTrace((this.l2 != null) ? "tiered" : "l1-only");
		Observation observation = this.observations.start(TiergateObservations.CACHE_GET, this.observedAs);
		try (Observation.Scope scope = observation.openScope()) {
			return this.singleFlight.load(key, () -> readThrough(key, valueType, loader, storable, trace));
		}
		catch (Throwable ex) {
			trace.answered("method", "error");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue("tier", trace.tier)
				.lowCardinalityKeyValue("result", trace.result)
				.lowCardinalityKeyValue("mode", trace.mode);
			observation.stop();
		}
	}

	/** Skips both tiers, as a request's {@code Cache-Control: no-cache} asks, and stores the fresh value. */
	private @Nullable Object bypass(Object key, Type valueType, Loader loader, Predicate<@Nullable Object> storable)
			throws Throwable {
		Object value = invoke(loader);
		if ((value != null || this.settings.cacheNulls()) && storable.test(value)) {
			put(key, valueType, value);
		}
		CacheLookups.record(name(), CacheLookups.Lookup.BYPASS);
		return value;
	}

	private @Nullable Object readThrough(Object key, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable, @Nullable ReadTrace trace) throws Throwable {
		// A load that finished between the caller's L1 miss and this flight has filled L1.
		L1Tier.Entry raced = this.l1.getIfPresent(key);
		if (raced != null) {
			CacheLookups.record(name(), CacheLookups.Lookup.L1_HIT);
			if (trace != null) {
				trace.answered("l1", "hit");
			}
			return raced.get();
		}
		String redisKey = (this.l2 != null || this.invalidations != CacheInvalidations.NONE) ? redisKeyOrNull(key)
				: null;
		L1Tier.Stamp stamp = this.l1.stamp(key, redisKey);
		L2Tier l2 = this.l2;
		if (l2 == null || redisKey == null || this.pending.covers(redisKey)) {
			// No L2, or one that may still hold a value this instance removed: the method answers.
			if (trace != null && l2 != null) {
				trace.mode = "fallback";
			}
			return loadAndStore(key, redisKey, valueType, loader, storable, stamp, false, null, trace);
		}
		L2Read read = (trace == null) ? l2.read(redisKey, valueType) : observedRead(l2, redisKey, valueType);
		if (read instanceof L2Read.Hit hit) {
			if (trace != null) {
				trace.answered("l2", "hit");
			}
			return hit(key, redisKey, valueType, loader, storable, stamp, hit);
		}
		boolean l2Answers = read != L2Read.UNAVAILABLE;
		L2Read.Stale stale = (read instanceof L2Read.Stale s) ? s : null;
		CrossInstanceLock lock = this.lock;
		String lockKey = null;
		if (l2Answers && lock != null) {
			String wanted = entryLockKey(redisKey);
			switch (lock.acquire(wanted)) {
				case ACQUIRED -> lockKey = wanted;
				case UNAVAILABLE -> l2Answers = false;
				case HELD_ELSEWHERE -> {
					L2Read awaited = (trace == null) ? lock.awaitHolder(redisKey, wanted, valueType, l2)
							: observedWait(lock, l2, redisKey, wanted, valueType);
					if (awaited instanceof L2Read.Hit hit) {
						if (trace != null) {
							trace.answered("other-instance", "hit");
						}
						return hit(key, redisKey, valueType, loader, storable, stamp, hit);
					}
					l2Answers = awaited != L2Read.UNAVAILABLE;
				}
			}
		}
		if (trace != null && !l2Answers) {
			trace.mode = "fallback";
		}
		try {
			return loadAndStore(key, redisKey, valueType, loader, storable, stamp, l2Answers, stale, trace);
		}
		finally {
			if (lock != null && lockKey != null) {
				lock.release(lockKey);
			}
		}
	}

	private L2Read observedRead(L2Tier l2, String redisKey, Type valueType) {
		try {
			return this.observations.observe(TiergateObservations.CACHE_L2_READ, this.observedAs,
					() -> l2.read(redisKey, valueType), TieredCache::readResult);
		}
		catch (Throwable ex) {
			throw propagate(ex);
		}
	}

	private L2Read observedWait(CrossInstanceLock lock, L2Tier l2, String redisKey, String lockKey, Type valueType) {
		try {
			return this.observations.observe(TiergateObservations.CACHE_LOAD,
					this.observedAs.and("by", "other-instance"),
					() -> lock.awaitHolder(redisKey, lockKey, valueType, l2), TieredCache::readResult);
		}
		catch (Throwable ex) {
			throw propagate(ex);
		}
	}

	private @Nullable Object observedLoad(Loader loader) throws Throwable {
		return this.observations.observe(TiergateObservations.CACHE_LOAD, this.observedAs.and("by", "this-instance"),
				() -> new Loaded(invoke(loader)), (loaded) -> "loaded").value();
	}

	/** A loaded value, possibly {@code null}, as an observed step's non-null result. */
	private record Loaded(@Nullable Object value) {
	}

	private static String readResult(L2Read read) {
		if (read instanceof L2Read.Hit) {
			return "hit";
		}
		if (read instanceof L2Read.Stale) {
			return "stale";
		}
		return (read == L2Read.UNAVAILABLE) ? "unavailable" : "miss";
	}

	/** Reads of L2 and lock waits throw no checked exceptions; anything else is a bug to rethrow as it is. */
	private static RuntimeException propagate(Throwable ex) {
		if (ex instanceof RuntimeException runtime) {
			return runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		return new IllegalStateException(ex);
	}

	/** What an asynchronous step failed with, as the runtime exception the failure log takes. */
	private static RuntimeException runtime(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
	}

	/** What a read that missed L1 found, for its observation's tags. */
	private static final class ReadTrace {

		private String tier = "shared";

		private String result = "hit";

		private String mode;

		ReadTrace(String mode) {
			this.mode = mode;
		}

		void answered(String tier, String result) {
			this.tier = tier;
			this.result = result;
		}

	}

	private @Nullable Object hit(Object key, String redisKey, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable, L1Tier.Stamp stamp, L2Read.Hit hit) {
		this.l1.fill(key, hit.value(), redisKey, stamp);
		CacheLookups.record(name(), CacheLookups.Lookup.L2_HIT);
		if (hit.refreshDue()) {
			this.refreshAhead.refresh(key, () -> refresh(key, redisKey, valueType, loader, storable));
		}
		return unwrap(hit.value());
	}

	private @Nullable Object loadAndStore(Object key, @Nullable String redisKey, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable, L1Tier.Stamp stamp, boolean useL2, L2Read.@Nullable Stale stale,
			@Nullable ReadTrace trace) throws Throwable {
		Object value;
		try {
			value = (trace == null) ? invoke(loader) : observedLoad(loader);
		}
		catch (Throwable ex) {
			if (stale != null) {
				this.statistics.recordStaleServed();
				CacheLookups.record(name(), CacheLookups.Lookup.L2_HIT);
				this.failures.debug("answers with a stale value because the method failed: " + ex, null);
				if (trace != null) {
					trace.answered("l2", "stale");
				}
				return unwrap(stale.value());
			}
			throw ex;
		}
		CacheLookups.record(name(), CacheLookups.Lookup.NOT_STORED);
		if (trace != null) {
			trace.answered("method", "miss");
		}
		store(key, redisKey, value, valueType, storable, stamp, useL2, false);
		return value;
	}

	/**
	 * Stores a loaded value in both tiers, unless the key was written, evicted or
	 * invalidated since the load started: the value may then be older than what replaced
	 * it, so neither tier takes it.
	 * @return whether L2 was written
	 */
	private boolean store(Object key, @Nullable String redisKey, @Nullable Object value, Type valueType,
			Predicate<@Nullable Object> storable, L1Tier.Stamp stamp, boolean useL2, boolean async) {
		return store(key, redisKey, value, valueType, storable, stamp, useL2, async, null);
	}

	/**
	 * Stores a loaded value in L1 and, when asked, L2.
	 * @param async whether the L2 write is sent without waiting for it
	 * @param afterWrite run once the asynchronous L2 write has completed, or at once when
	 * nothing is written asynchronously: the lock's holder lets go only then, so that a
	 * waiter that sees the lease gone finds the value
	 */
	private boolean store(Object key, @Nullable String redisKey, @Nullable Object value, Type valueType,
			Predicate<@Nullable Object> storable, L1Tier.Stamp stamp, boolean useL2, boolean async,
			@Nullable Runnable afterWrite) {
		Runnable then = (afterWrite != null) ? afterWrite : () -> { };
		if ((value == null && !this.settings.cacheNulls()) || !storable.test(value)
				|| !this.l1.unchangedSince(key, redisKey, stamp)) {
			then.run();
			return false;
		}
		boolean written = false;
		boolean writing = false;
		L2Tier l2 = this.l2;
		if (useL2 && l2 != null && redisKey != null) {
			byte[] bytes = l2.encode(value, valueType);
			if (bytes != null && async) {
				writing = true;
				l2.writeAsync(redisKey, bytes).whenComplete((done, ex) -> {
					if (ex != null) {
						this.failures.redisFailed(runtime(ex));
					}
					then.run();
				});
			}
			else if (bytes != null) {
				try {
					l2.write(redisKey, bytes);
					written = true;
				}
				catch (RuntimeException ex) {
					this.failures.redisFailed(ex);
				}
			}
		}
		this.l1.fill(key, (value != null) ? value : L1Tier.NULL, redisKey, stamp);
		CacheLookups.record(name(), CacheLookups.Lookup.STORED);
		if (!writing) {
			then.run();
		}
		return written;
	}

	private void refresh(Object key, String redisKey, Type valueType, Loader loader,
			Predicate<@Nullable Object> storable) {
		L1Tier.Stamp stamp = this.l1.stamp(key, redisKey);
		try {
			Object value = invoke(loader);
			if (store(key, redisKey, value, valueType, storable, stamp, true, false)) {
				announce(redisKey);
			}
		}
		catch (Throwable ex) {
			this.failures.debug("refresh-ahead failed; the current value stays", ex);
		}
	}

	/**
	 * Stores a value in both tiers, replacing what was there, and tells the other
	 * instances. A value that cannot go to L2 (too large, not encodable) removes the
	 * previous L2 entry instead, so no instance reads that back.
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
		this.l1.put(key, (value != null) ? value : L1Tier.NULL, redisKey);
		if (redisKey == null) {
			return;
		}
		L2Tier l2 = this.l2;
		if (l2 != null) {
			byte[] bytes = l2.encode(value, valueType);
			try {
				if (bytes != null) {
					l2.write(redisKey, bytes);
				}
				else {
					l2.delete(redisKey);
				}
				this.pending.resolved(redisKey);
			}
			catch (RuntimeException ex) {
				writeFailed(redisKey, ex);
				return;
			}
		}
		announce(redisKey);
	}

	/**
	 * Stores a value as {@link #put} does, without waiting for Redis: L1 holds it when
	 * this returns; the L2 write completes later, and then the other instances are told,
	 * or, if Redis failed, the write is kept pending as for {@link #put}.
	 * @param key the cache key
	 * @param valueType the declared type of the value
	 * @param value the value; a {@code null} is stored only when the cache stores nulls,
	 * otherwise the key is evicted
	 */
	public void putAsync(Object key, Type valueType, @Nullable Object value) {
		if (value == null && !this.settings.cacheNulls()) {
			evictAsync(key);
			return;
		}
		String redisKey = redisKeyOrNull(key);
		this.l1.put(key, (value != null) ? value : L1Tier.NULL, redisKey);
		if (redisKey == null) {
			return;
		}
		L2Tier l2 = this.l2;
		byte[] bytes = (l2 != null) ? l2.encode(value, valueType) : null;
		written(redisKey, (l2 == null) ? CompletableFuture.completedFuture(null)
				: (bytes != null) ? l2.writeAsync(redisKey, bytes) : l2.deleteAsync(redisKey));
	}

	/**
	 * Removes a key as {@link #evict} does, without waiting for Redis: L1 no longer holds
	 * it when this returns.
	 * @param key the cache key
	 */
	public void evictAsync(Object key) {
		String redisKey = redisKeyOrNull(key);
		this.l1.invalidate(key, redisKey);
		this.singleFlight.forget(key);
		L2Tier l2 = this.l2;
		if (redisKey != null) {
			written(redisKey, (l2 != null) ? l2.deleteAsync(redisKey) : CompletableFuture.completedFuture(null));
		}
	}

	/**
	 * Removes every entry as {@link #clear} does, without waiting for Redis: L1 is empty
	 * when this returns, and the rest runs on the asynchronous executor.
	 */
	public void clearAsync() {
		this.l1.clear();
		this.singleFlight.forgetAll();
		this.asyncExecutor.execute(this::clear);
	}

	/**
	 * Once L2 answered a write or delete: the key is announced to the other instances, or
	 * kept pending if Redis failed. On the asynchronous executor, since publishing waits
	 * for Redis.
	 */
	private void written(String redisKey, CompletableFuture<?> write) {
		write.whenCompleteAsync((done, ex) -> {
			if (ex != null) {
				writeFailed(redisKey, runtime(ex));
				return;
			}
			this.pending.resolved(redisKey);
			announce(redisKey);
		}, this.asyncExecutor);
	}

	/**
	 * Looks several keys up, in L1 and then, for those L1 misses, in L2 with one round
	 * trip ({@link L2Store#getAll}), without loading anything. L2 hits fill L1.
	 * @param keys the cache keys
	 * @param valueType the declared type of values, used to decode L2 bytes
	 * @return the values found, by key, in the order of the keys; a key that missed is
	 * absent, a cached {@code null} is present with a {@code null} value
	 */
	public Map<Object, @Nullable Object> getAll(Collection<?> keys, Type valueType) {
		Map<Object, @Nullable Object> found = new LinkedHashMap<>();
		List<Object> missed = new ArrayList<>();
		for (Object key : keys) {
			L1Tier.Entry entry = this.l1.getIfPresent(key);
			if (this.settings.l1Enabled()) {
				this.statistics.recordL1Get(entry != null);
			}
			if (entry != null) {
				found.put(key, entry.get());
			}
			else {
				missed.add(key);
			}
		}
		L2Tier l2 = this.l2;
		if (l2 == null || missed.isEmpty()) {
			return found;
		}
		List<Object> looked = new ArrayList<>(missed.size());
		List<String> redisKeys = new ArrayList<>(missed.size());
		List<L1Tier.Stamp> stamps = new ArrayList<>(missed.size());
		for (Object key : missed) {
			String redisKey = redisKeyOrNull(key);
			if (redisKey != null && !this.pending.covers(redisKey)) {
				looked.add(key);
				redisKeys.add(redisKey);
				stamps.add(this.l1.stamp(key, redisKey));
			}
		}
		List<L2Read> reads = redisKeys.isEmpty() ? List.of() : l2.readAll(redisKeys, valueType);
		for (int i = 0; i < reads.size(); i++) {
			if (reads.get(i) instanceof L2Read.Hit hit) {
				this.l1.fill(looked.get(i), hit.value(), redisKeys.get(i), stamps.get(i));
				found.put(looked.get(i), unwrap(hit.value()));
			}
		}
		// In the order of the keys, L1 and L2 hits mixed.
		Map<Object, @Nullable Object> ordered = new LinkedHashMap<>();
		for (Object key : keys) {
			if (found.containsKey(key)) {
				ordered.put(key, found.get(key));
			}
		}
		return ordered;
	}

	/**
	 * Stores several values in both tiers, as {@link #put} does each, with one round trip
	 * to L2 for the writes ({@link L2Store#setAll}), and tells the other instances.
	 * @param values the values by cache key; a {@code null} is stored only when the cache
	 * stores nulls, otherwise its key is evicted
	 * @param valueType the declared type of the values
	 */
	public void putAll(Map<?, ?> values, Type valueType) {
		Map<String, byte[]> encoded = new LinkedHashMap<>();
		List<String> unencodable = new ArrayList<>();
		L2Tier l2 = this.l2;
		for (Map.Entry<?, ?> entry : values.entrySet()) {
			Object key = entry.getKey();
			Object value = entry.getValue();
			if (value == null && !this.settings.cacheNulls()) {
				evict(key);
				continue;
			}
			String redisKey = redisKeyOrNull(key);
			this.l1.put(key, (value != null) ? value : L1Tier.NULL, redisKey);
			if (redisKey == null) {
				continue;
			}
			byte[] bytes = (l2 != null) ? l2.encode(value, valueType) : null;
			if (bytes != null) {
				encoded.put(redisKey, bytes);
			}
			else {
				unencodable.add(redisKey);
			}
		}
		if (l2 != null) {
			try {
				l2.writeAll(encoded);
				if (!unencodable.isEmpty()) {
					l2.deleteAll(unencodable);
				}
			}
			catch (RuntimeException ex) {
				encoded.keySet().forEach((redisKey) -> writeFailed(redisKey, ex));
				unencodable.forEach((redisKey) -> writeFailed(redisKey, ex));
				return;
			}
		}
		List<String> written = new ArrayList<>(encoded.keySet());
		written.addAll(unencodable);
		written.forEach(this.pending::resolved);
		if (written.size() > MAX_KEYS_ANNOUNCED) {
			if (!publish(null)) {
				written.forEach(this.pending::add);
				scheduleRetry();
			}
		}
		else {
			written.forEach(this::announce);
		}
	}

	/**
	 * Removes a key from both tiers and from the other instances' L1.
	 * @param key the cache key
	 */
	public void evict(Object key) {
		String redisKey = redisKeyOrNull(key);
		this.l1.invalidate(key, redisKey);
		this.singleFlight.forget(key);
		if (redisKey != null) {
			deleteEverywhere(redisKey);
		}
	}

	/**
	 * Removes an entry named by its encoded key, the part of its Redis key after
	 * {@code <namespace>:<cache>:}, from both tiers and from every instance's L1: for
	 * operators, who see Redis keys rather than key objects.
	 * @param encodedKey the encoded key, for example {@code 42} or {@code "kettle"}
	 */
	public void evictEncoded(String encodedKey) {
		String redisKey = this.keyPrefix + encodedKey;
		this.l1.invalidate(redisKey);
		deleteEverywhere(redisKey);
	}

	private void deleteEverywhere(String redisKey) {
		L2Tier l2 = this.l2;
		if (l2 != null) {
			try {
				l2.delete(redisKey);
				this.pending.resolved(redisKey);
			}
			catch (RuntimeException ex) {
				writeFailed(redisKey, ex);
				return;
			}
		}
		announce(redisKey);
	}

	/**
	 * Removes every entry of this cache from both tiers and from the other instances' L1.
	 * In L2 this is one command whatever the size of the cache or the database: the
	 * cache's generation moves on, so every earlier value reads as a miss; the keys
	 * themselves are removed in the background.
	 */
	public void clear() {
		this.l1.clear();
		this.singleFlight.forgetAll();
		L2Tier l2 = this.l2;
		if (l2 != null) {
			try {
				l2.clear();
			}
			catch (RuntimeException ex) {
				this.failures.redisFailed(ex);
				this.pending.addWholeCache();
				scheduleRetry();
				return;
			}
			finally {
				// Reads that started before the generation moved may have filled L1 with old values.
				this.l1.clear();
			}
			deleteEarlierGenerations(l2);
		}
		if (!publish(null)) {
			this.pending.addWholeCache();
			scheduleRetry();
		}
	}

	/**
	 * Removes every entry of L1 only, leaving L2 and the other instances alone.
	 */
	public void clearL1() {
		this.l1.clear();
	}

	/**
	 * Applies another instance's invalidation to L1.
	 * @param redisKey the Redis key of the entry, or {@code null} for all entries
	 */
	public void invalidateLocal(@Nullable String redisKey) {
		this.statistics.recordInvalidation(false);
		if (redisKey == null) {
			L2Tier l2 = this.l2;
			if (l2 != null) {
				l2.forgetGeneration();
			}
			this.l1.clear();
		}
		else {
			this.l1.invalidate(redisKey);
		}
	}

	/**
	 * Brings this cache back in line with Redis after this instance may have missed
	 * changes (Redis was away, or the subscription was): applies the writes that could not
	 * reach Redis, forgets the generation and clears L1.
	 */
	void resynchronize() {
		applyPendingWrites();
		L2Tier l2 = this.l2;
		if (l2 != null) {
			l2.forgetGeneration();
		}
		this.l1.clear();
	}

	private void writeFailed(String redisKey, RuntimeException ex) {
		this.failures.redisFailed(ex);
		this.pending.add(redisKey);
		scheduleRetry();
	}

	private void announce(String redisKey) {
		if (!publish(redisKey)) {
			this.pending.add(redisKey);
			scheduleRetry();
		}
	}

	private boolean publish(@Nullable String redisKey) {
		if (this.invalidations == CacheInvalidations.NONE) {
			return true;
		}
		this.statistics.recordInvalidation(true);
		return this.invalidations.publish(name(), redisKey);
	}

	/**
	 * Applies what is pending, in one round trip for the deletes and one for the
	 * announcements.
	 * @return whether nothing is left pending
	 */
	boolean applyPendingWrites() {
		if (this.pending.isEmpty() || !this.applyingPending.compareAndSet(false, true)) {
			return this.pending.isEmpty();
		}
		PendingWrites.Batch batch = this.pending.take();
		try {
			L2Tier l2 = this.l2;
			if (batch.wholeCache()) {
				if (l2 != null) {
					l2.clear();
				}
				this.l1.clear();
				requirePublished(publish(null));
				if (l2 != null) {
					deleteEarlierGenerations(l2);
				}
			}
			else {
				if (l2 != null) {
					l2.deleteAll(batch.keys());
				}
				if (batch.keys().size() > MAX_KEYS_ANNOUNCED) {
					requirePublished(publish(null));
				}
				else {
					for (String redisKey : batch.keys()) {
						requirePublished(publish(redisKey));
					}
				}
			}
			this.pending.applied(batch);
			return this.pending.isEmpty();
		}
		catch (RuntimeException ex) {
			this.pending.restore(batch);
			this.failures.redisFailed(ex);
			return false;
		}
		finally {
			this.applyingPending.set(false);
		}
	}

	private static void requirePublished(boolean published) {
		if (!published) {
			throw new IllegalStateException("An invalidation could not be published");
		}
	}

	/** Retries pending writes with a growing delay until they are applied; recovery applies them too. */
	private void scheduleRetry() {
		if (!this.retryScheduled.compareAndSet(false, true)) {
			return;
		}
		Duration delay = this.nextRetry;
		this.nextRetry = (delay.compareTo(LAST_RETRY.dividedBy(2)) < 0) ? delay.multipliedBy(2) : LAST_RETRY;
		CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
			this.retryScheduled.set(false);
			if (applyPendingWrites()) {
				this.nextRetry = FIRST_RETRY;
			}
			else {
				scheduleRetry();
			}
		});
	}

	/** Frees the memory of earlier generations, off the caller's thread: they read as misses already. */
	private void deleteEarlierGenerations(L2Tier l2) {
		if (!this.cleaningUp.compareAndSet(false, true)) {
			return;
		}
		ForkJoinPool.commonPool().execute(() -> {
			try {
				l2.deleteEarlierGenerations(this.keyPrefix);
			}
			catch (RuntimeException ex) {
				// They expire with their TTL.
				this.failures.debug("removing the keys of an earlier generation failed", ex);
			}
			finally {
				this.cleaningUp.set(false);
			}
		});
	}

	private String entryLockKey(String redisKey) {
		return lockKey(redisKey.substring(this.keyPrefix.length()));
	}

	/**
	 * Returns the Redis key of a lock of this cache, for example the warm-up's lease: among
	 * the lock keys of the cache's entries, which clearing the cache leaves to expire, and
	 * never the key of a value.
	 * @param lockName the name of the lock within the cache
	 * @return the key {@code <namespace>:<cache>:lock:<lockName>}
	 */
	public String lockKey(String lockName) {
		return this.keyPrefix + "lock:" + lockName;
	}

	private @Nullable String redisKeyOrNull(Object key) {
		try {
			return redisKey(key);
		}
		catch (CacheKeyEncoder.UnencodableKeyException ex) {
			// The message names the type; the cause could quote the key, which is client data.
			this.failures.absorb(CacheStatistics.ErrorKind.KEY, ex.getMessage() + "; such calls are served without L2"
					+ " (give the annotation a key expression that yields a simple value)", null);
			return null;
		}
	}

	private @Nullable Object invoke(Loader loader) throws Throwable {
		long start = this.ticker.read();
		boolean success = false;
		try {
			Object value = loader.load();
			success = true;
			return value;
		}
		finally {
			this.statistics.recordLoad(success);
			this.metrics.load(this.ticker.read() - start, success);
		}
	}

	private static @Nullable Object unwrap(Object value) {
		return (value != L1Tier.NULL) ? value : null;
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

	/**
	 * Builds a {@link TieredCache}.
	 */
	public static final class Builder {

		private final TieredCacheSettings settings;

		private final String namespace;

		private @Nullable L2Store l2;

		private L2Codec codec = new JsonL2Codec();

		private CacheKeyEncoder keyEncoder = new CacheKeyEncoder();

		private CacheMetrics.Factory metrics = CacheMetrics.Factory.NONE;

		private Ticker ticker = Ticker.systemTicker();

		private @Nullable Ticker l1Ticker;

		private CacheInvalidations invalidations = CacheInvalidations.NONE;

		private Executor refresher = Runnable::run;

		private TiergateObservations observations = TiergateObservations.NONE;

		private Executor asyncExecutor = ForkJoinPool.commonPool();

		private Builder(TieredCacheSettings settings, String namespace) {
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

		/** Sets the encoder of L2 keys: the caches of one {@link TieredCaches} share theirs. */
		Builder keyEncoder(CacheKeyEncoder keyEncoder) {
			this.keyEncoder = keyEncoder;
			return this;
		}

		/**
		 * Sets what creates the metrics of the cache from its statistics.
		 * @param metrics the factory
		 * @return this builder
		 */
		public Builder metrics(CacheMetrics.Factory metrics) {
			this.metrics = metrics;
			return this;
		}

		/**
		 * Sets the time source of L1 expiry, lock waits and load timing.
		 * @param ticker the ticker
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = ticker;
			return this;
		}

		/** Sets the time source of L1 expiry alone: the caches of one {@link TieredCaches} share a coarse one. */
		Builder l1Ticker(Ticker l1Ticker) {
			this.l1Ticker = l1Ticker;
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
		 * Sets what runs refresh-ahead reloads.
		 * @param refresher the executor
		 * @return this builder
		 */
		public Builder refresher(Executor refresher) {
			this.refresher = refresher;
			return this;
		}

		/**
		 * Sets what observes reads that miss L1 (and L1 hits, if asked for).
		 * @param observations the observations
		 * @return this builder
		 */
		public Builder observations(TiergateObservations observations) {
			this.observations = observations;
			return this;
		}

		/**
		 * Sets where asynchronous reads run the loader after L2 answered, so that it never
		 * runs on Redis' I/O thread; the common pool until set.
		 * @param asyncExecutor the executor
		 * @return this builder
		 */
		public Builder asyncExecutor(Executor asyncExecutor) {
			this.asyncExecutor = asyncExecutor;
			return this;
		}

		/**
		 * Creates the cache.
		 * @return the cache
		 */
		public TieredCache build() {
			return new TieredCache(this);
		}

	}

}
