package dev.tiergate.cache.spring;

import java.lang.reflect.Type;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.tiergate.cache.CacheLookups;
import dev.tiergate.cache.CachedValue;
import dev.tiergate.cache.TieredCache;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A tiered cache seen through Spring's {@link Cache} interface, either typed (bound to the
 * declared type of the values, which decodes L2 bytes) or untyped.
 * <p>
 * Spring's interface carries no type, so what a call returns depends on the view:
 * <ul>
 * <li>the typed views, which {@link TieredCacheResolver} hands to Spring's cache
 * annotations, read L1 then L2 and decode with the method's declared return type;</li>
 * <li>the untyped view, which {@link TieredCacheManager#getCache} returns, answers
 * {@link #get(Object)} and {@link #retrieve(Object)} from L1 only (an L2 value could only
 * be decoded by guessing its class, which tiergate never does); {@link #get(Object, Class)}
 * reads both tiers with the given class; {@link #get(Object, Callable)} reads L1, then
 * loads, and writes the value to both tiers as JSON of its own class.</li>
 * </ul>
 * A typed view's {@link #get(Object)} misses one key once per JVM at a time, within a
 * call of a method with Spring's {@code @Cacheable}: concurrent callers wait for the first
 * one's result (see {@link MissFlights}); {@link #get(Object, Callable)}, which
 * {@code sync = true} uses, loads through the tiered cache's own single flight and, with
 * {@code lock}, its cross-instance lock.
 * <p>
 * Every view of a name writes, evicts and clears the same tiered cache, and so reaches the
 * other instances. {@code null} values are cached when the tiered cache stores nulls
 * ({@code cache-nulls}), which is what {@link #isAllowNullValues()} reports; otherwise a
 * {@code null} is not stored and the key is evicted, as for {@code @TieredCacheable}.
 */
public final class TieredSpringCache implements Cache {

	private static final Predicate<@Nullable Object> ALWAYS = (value) -> true;

	private final TieredCache cache;

	private final @Nullable Type valueType;

	private final SpringCacheCounters counters;

	private final ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loading;

	private final MissFlights flights;

	TieredSpringCache(TieredCache cache, @Nullable Type valueType, SpringCacheCounters counters,
			ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loading, MissFlights flights) {
		this.cache = cache;
		this.valueType = valueType;
		this.counters = counters;
		this.loading = loading;
		this.flights = flights;
	}

	@Override
	public String getName() {
		return this.cache.name();
	}

	@Override
	public TieredCache getNativeCache() {
		return this.cache;
	}

	/**
	 * Returns the declared type of the values this view decodes.
	 * @return the type, or {@code null} for the untyped view
	 */
	public @Nullable Type valueType() {
		return this.valueType;
	}

	/** What Spring's cache abstraction did with this cache, for all its views. */
	SpringCacheCounters counters() {
		return this.counters;
	}

	/**
	 * Returns whether {@code null} values are cached: whether the tiered cache stores
	 * nulls.
	 * @return whether nulls are cached
	 */
	public boolean isAllowNullValues() {
		return this.cache.settings().cacheNulls();
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		if (CacheLookups.bypasses(getName())) {
			// A miss: Spring invokes the method and puts the fresh result.
			this.counters.recordGet(false);
			CacheLookups.record(getName(), CacheLookups.Lookup.BYPASS);
			return null;
		}
		CachedValue found = lookUp(key);
		if (found == null && this.valueType != null && this.flights.takeOrAwait(key)) {
			found = lookUp(key);
		}
		return (found != null) ? new SimpleValueWrapper(found.get()) : null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Type decodeAs = (type != null) ? type : this.valueType;
		CachedValue found = (decodeAs != null) ? find(key, decodeAs) : lookUp(key);
		if (found == null) {
			return null;
		}
		Object value = found.get();
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException("The value cached under this key in cache '" + getName()
					+ "' is a " + value.getClass().getName() + ", not a " + type.getName());
		}
		return (T) value;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		if (CacheLookups.bypasses(getName())) {
			T value = loadAndPut(key, valueLoader);
			CacheLookups.record(getName(), CacheLookups.Lookup.BYPASS);
			return value;
		}
		CachedValue inL1 = this.cache.getIfPresent(key);
		if (inL1 != null) {
			this.counters.recordGet(true);
			return (T) inL1.get();
		}
		Type type = this.valueType;
		if (type == null) {
			return loadAndPut(key, valueLoader);
		}
		boolean[] loaded = { false };
		try {
			Object value = this.cache.get(key, type, () -> {
				loaded[0] = true;
				return valueLoader.call();
			}, ALWAYS);
			// TieredCache.get recorded where the value came from: L2, this call's load, or another's.
			this.counters.recordGet(!loaded[0]);
			return (T) value;
		}
		catch (Throwable ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	private <T> @Nullable T loadAndPut(Object key, Callable<T> valueLoader) {
		T value;
		try {
			value = valueLoader.call();
		}
		catch (Throwable ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
		put(key, value);
		miss(value);
		return value;
	}

	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		Type type = this.valueType;
		CachedValue inL1 = this.cache.getIfPresent(key);
		if (inL1 != null) {
			this.counters.recordGet(true);
			return CompletableFuture.completedFuture(new SimpleValueWrapper(inL1.get()));
		}
		if (type == null) {
			this.counters.recordGet(false);
			return null;
		}
		// L2 through its asynchronous API: no thread waits for Redis.
		return this.cache.findAsync(key, type).thenApply((found) -> {
			this.counters.recordGet(found != null);
			return (found != null) ? new SimpleValueWrapper(found.get()) : null;
		});
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		CachedValue inL1 = this.cache.getIfPresent(key);
		if (inL1 != null) {
			this.counters.recordGet(true);
			return completed(inL1.get());
		}
		Type type = this.valueType;
		if (type != null) {
			// One load per key and JVM, L2 read and written without waiting, as for @TieredCacheable.
			boolean[] loaded = { false };
			return cast(this.cache.getAsync(key, type, () -> {
				loaded[0] = true;
				return valueLoader.get();
			}, ALWAYS).whenComplete((value, ex) -> {
				if (ex == null) {
					this.counters.recordGet(!loaded[0]);
				}
			}));
		}
		this.counters.recordGet(false);
		CompletableFuture<@Nullable Object> promise = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> running = this.loading.putIfAbsent(key, promise);
		if (running != null) {
			return cast(running.copy());
		}
		CompletableFuture<T> load;
		try {
			load = valueLoader.get();
		}
		catch (RuntimeException ex) {
			this.loading.remove(key, promise);
			promise.completeExceptionally(ex);
			return cast(promise);
		}
		load.whenComplete((value, failure) -> {
			try {
				if (failure == null) {
					put(key, value);
				}
			}
			finally {
				this.loading.remove(key, promise);
				if (failure != null) {
					promise.completeExceptionally(failure);
				}
				else {
					promise.complete(value);
				}
			}
		});
		return cast(promise.copy());
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		Type type = (this.valueType != null) ? this.valueType : (value != null) ? value.getClass() : Object.class;
		if (value != null && (value instanceof CompletableFuture || isPublisher(value))) {
			throw new IllegalArgumentException("Cache '" + getName() + "' was asked to store a "
					+ value.getClass().getName() + ", which is a promise of a value rather than a value");
		}
		this.cache.put(key, type, value);
		this.flights.land(key);
		this.counters.recordPut();
		if (!CacheLookups.bypasses(getName())) {
			CacheLookups.record(getName(), CacheLookups.Lookup.STORED);
		}
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		ValueWrapper existing = get(key);
		if (existing == null) {
			put(key, value);
		}
		return existing;
	}

	@Override
	public void evict(Object key) {
		this.cache.evict(key);
		this.counters.recordEviction();
	}

	@Override
	public boolean evictIfPresent(Object key) {
		evict(key);
		// Whether another instance held the key is unknown: Spring's contract allows false.
		return false;
	}

	@Override
	public void clear() {
		this.cache.clear();
	}

	@Override
	public boolean invalidate() {
		clear();
		return false;
	}

	private @Nullable CachedValue lookUp(Object key) {
		Type type = this.valueType;
		if (type != null) {
			return find(key, type);
		}
		CachedValue found = this.cache.getIfPresent(key);
		if (found != null) {
			this.counters.recordGet(true);
		}
		else {
			this.counters.recordGet(false);
		}
		return found;
	}

	private @Nullable CachedValue find(Object key, Type type) {
		CachedValue inL1 = this.cache.getIfPresent(key);
		if (inL1 != null) {
			this.counters.recordGet(true);
			return inL1;
		}
		CachedValue found = this.cache.find(key, type);
		if (found != null) {
			l2Hit();
		}
		else {
			// Until a put says otherwise: a vetoed result is not stored.
			this.counters.recordGet(false);
			CacheLookups.record(getName(), CacheLookups.Lookup.NOT_STORED);
		}
		return found;
	}

	/** Counts a hit from L2 and records it for {@code Cache-Status}; an L1 hit's lookup {@code TieredCache.getIfPresent} records itself. */
	private void l2Hit() {
		this.counters.recordGet(true);
		CacheLookups.record(getName(), CacheLookups.Lookup.L2_HIT);
	}

	private void miss(@Nullable Object value) {
		this.counters.recordGet(false);
		boolean stored = value != null || isAllowNullValues();
		CacheLookups.record(getName(), stored ? CacheLookups.Lookup.STORED : CacheLookups.Lookup.NOT_STORED);
	}

	private static boolean isPublisher(@Nullable Object value) {
		return value != null && ReactiveTypes.isPublisher(value.getClass());
	}

	@SuppressWarnings("unchecked")
	private static <T> CompletableFuture<T> completed(@Nullable Object value) {
		return CompletableFuture.completedFuture((T) value);
	}

	@SuppressWarnings("unchecked")
	private static <T> CompletableFuture<T> cast(CompletableFuture<@Nullable Object> future) {
		return (CompletableFuture<T>) (CompletableFuture<?>) future;
	}

	@Override
	public String toString() {
		Type type = this.valueType;
		return "TieredSpringCache '" + getName() + "'" + ((type != null) ? " of " + type.getTypeName() : "");
	}

}
