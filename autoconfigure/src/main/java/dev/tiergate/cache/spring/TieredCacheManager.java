package dev.tiergate.cache.spring;

import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.PointcutAdvisor;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheOperationSource;

/**
 * Spring's {@link CacheManager} on tiergate: each cache is the {@link TieredCache} of the
 * same name, configured by {@code tiergate.cache.defaults} and
 * {@code tiergate.cache.caches.<name>}, shared with {@code @TieredCacheable}.
 * <p>
 * {@link #getCache} returns the untyped view (see {@link TieredSpringCache});
 * {@link #getCache(String, Type)} a view that decodes L2 values as the given type, which
 * {@link TieredCacheResolver} uses for Spring's cache annotations. Caches are created on
 * first use; {@link #getCacheNames} lists the configured ones and those created since.
 */
public final class TieredCacheManager implements CacheManager {

	private final TieredCaches caches;

	private final Set<String> configuredNames;

	private final ConcurrentMap<String, Shared> shared = new ConcurrentHashMap<>();

	private final ConcurrentMap<TypedName, TieredSpringCache> typed = new ConcurrentHashMap<>();

	private final List<Consumer<TieredSpringCache>> creationListeners = new CopyOnWriteArrayList<>();

	/**
	 * Creates a manager.
	 * @param caches the tiered caches of the application
	 * @param configuredNames the names of the caches configured by properties, listed
	 * before they are used
	 */
	public TieredCacheManager(TieredCaches caches, Collection<String> configuredNames) {
		this.caches = caches;
		this.configuredNames = Collections.unmodifiableSet(new LinkedHashSet<>(configuredNames));
	}

	/**
	 * Returns the advisor that opens a scope around each call of a method that Spring's
	 * {@code @Cacheable} caches without {@code sync}, just outside Spring's cache aspect, so
	 * that the single flights of the keys the call missed end with the call: declared by
	 * the auto-configuration.
	 * @param operations the source of Spring's cache operations
	 * @param springCacheOrder the order of Spring's cache advisor, read when advisors are
	 * sorted
	 * @return the advisor
	 */
	public static PointcutAdvisor callScopeAdvisor(CacheOperationSource operations, IntSupplier springCacheOrder) {
		return new CachedCallScopeAdvisor(operations, springCacheOrder);
	}

	/**
	 * Calls a listener with the untyped view of each cache this manager creates from now
	 * on, for example to bind its meters.
	 * @param listener the listener
	 */
	public void onCacheCreated(Consumer<TieredSpringCache> listener) {
		this.creationListeners.add(listener);
	}

	@Override
	public TieredSpringCache getCache(String name) {
		return shared(name).untyped;
	}

	/**
	 * Returns the view of a cache that decodes L2 values as a declared type.
	 * @param name the cache name
	 * @param valueType the declared type of the values
	 * @return the view
	 */
	public TieredSpringCache getCache(String name, Type valueType) {
		TypedName typedName = new TypedName(name, valueType);
		TieredSpringCache cache = this.typed.get(typedName);
		if (cache != null) {
			return cache;
		}
		Shared state = shared(name);
		return this.typed.computeIfAbsent(typedName, (key) -> state.view(valueType));
	}

	@Override
	public Collection<String> getCacheNames() {
		Set<String> names = new LinkedHashSet<>(this.configuredNames);
		this.caches.all().forEach((cache) -> names.add(cache.name()));
		return Collections.unmodifiableSet(names);
	}

	private Shared shared(String name) {
		Shared state = this.shared.get(name);
		if (state != null) {
			return state;
		}
		boolean[] created = { false };
		state = this.shared.computeIfAbsent(name, (key) -> {
			created[0] = true;
			return new Shared(this.caches.get(key));
		});
		if (created[0]) {
			for (Consumer<TieredSpringCache> listener : this.creationListeners) {
				listener.accept(state.untyped);
			}
		}
		return state;
	}

	/** What every view of one cache shares: the cache, its counters, its loads and its flights. */
	private static final class Shared {

		private final TieredCache cache;

		private final SpringCacheCounters counters = new SpringCacheCounters();

		private final ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loading = new ConcurrentHashMap<>();

		private final MissFlights flights;

		private final TieredSpringCache untyped;

		Shared(TieredCache cache) {
			this.cache = cache;
			this.flights = new MissFlights(cache.settings().lockWait());
			this.untyped = view(null);
		}

		TieredSpringCache view(@Nullable Type valueType) {
			return new TieredSpringCache(this.cache, valueType, this.counters, this.loading, this.flights);
		}

	}

	private record TypedName(String name, Type valueType) {
	}

}
