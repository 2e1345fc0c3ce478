package dev.tiergate.autoconfigure.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import com.github.benmanes.caffeine.cache.Cache;
import dev.tiergate.cache.CacheMetrics;
import dev.tiergate.cache.CacheStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * {@link CacheMetrics} published to Micrometer. Meters are registered when the cache is
 * created, tagged with the cache name only (never a key); the counters read the cache's
 * {@link CacheStatistics}, so nothing is counted twice:
 * <ul>
 * <li>{@code tiergate.cache.gets} (tags {@code cache}, {@code tier}=l1|l2,
 * {@code result}=hit|miss)</li>
 * <li>{@code tiergate.cache.loads} (timer of method invocations; tags {@code cache},
 * {@code result}=success|failure)</li>
 * <li>{@code tiergate.cache.errors} (absorbed failures; tags {@code cache},
 * {@code kind}=redis|decode|encode|key)</li>
 * <li>{@code tiergate.cache.stale.served} (stale values returned because the method failed;
 * tag {@code cache})</li>
 * <li>{@code tiergate.cache.invalidations} (invalidations exchanged with other instances;
 * tags {@code cache}, {@code direction}=sent|received)</li>
 * </ul>
 */
final class MicrometerCacheMetrics implements CacheMetrics {

	/** The {@code cache.manager} tag of the L1 meters. */
	public static final String CACHE_MANAGER = "tiergate";

	private final MeterRegistry registry;

	private final String cacheName;

	private final Timer loadSuccesses;

	private final Timer loadFailures;

	/**
	 * Registers the meters of a cache.
	 * @param registry the registry
	 * @param cacheName the cache name
	 * @param statistics the counters of the cache
	 */
	MicrometerCacheMetrics(MeterRegistry registry, String cacheName, CacheStatistics statistics) {
		this.registry = registry;
		this.cacheName = cacheName;
		gets(registry, cacheName, statistics, "l1", "hit", CacheStatistics::l1Hits);
		gets(registry, cacheName, statistics, "l1", "miss", CacheStatistics::l1Misses);
		gets(registry, cacheName, statistics, "l2", "hit", CacheStatistics::l2Hits);
		gets(registry, cacheName, statistics, "l2", "miss", CacheStatistics::l2Misses);
		this.loadSuccesses = loads(registry, cacheName, "success");
		this.loadFailures = loads(registry, cacheName, "failure");
		for (CacheStatistics.ErrorKind kind : CacheStatistics.ErrorKind.values()) {
			FunctionCounter.builder("tiergate.cache.errors", statistics, (stats) -> stats.errors(kind))
				.description("Failures of a tiered cache that were absorbed instead of reaching the caller")
				.tag("cache", cacheName)
				.tag("kind", kind.tag())
				.register(registry);
		}
		FunctionCounter.builder("tiergate.cache.stale.served", statistics, CacheStatistics::staleServed)
			.description("Stale values returned because the cached method failed")
			.tag("cache", cacheName)
			.register(registry);
		invalidations(registry, cacheName, statistics, "sent", CacheStatistics::invalidationsSent);
		invalidations(registry, cacheName, statistics, "received", CacheStatistics::invalidationsReceived);
	}

	/**
	 * Returns a factory that registers each cache's meters in a registry.
	 * @param registry the registry
	 * @return the factory
	 */
	public static CacheMetrics.Factory factory(MeterRegistry registry) {
		return (cacheName, statistics) -> new MicrometerCacheMetrics(registry, cacheName, statistics);
	}

	private static void gets(MeterRegistry registry, String cacheName, CacheStatistics statistics, String tier,
			String result, ToLongFunction<CacheStatistics> count) {
		FunctionCounter.builder("tiergate.cache.gets", statistics, (stats) -> count.applyAsLong(stats))
			.description("Lookups in a tier of a tiered cache")
			.tag("cache", cacheName)
			.tag("tier", tier)
			.tag("result", result)
			.register(registry);
	}

	private static void invalidations(MeterRegistry registry, String cacheName, CacheStatistics statistics,
			String direction, ToLongFunction<CacheStatistics> count) {
		FunctionCounter.builder("tiergate.cache.invalidations", statistics, (stats) -> count.applyAsLong(stats))
			.description("Invalidations exchanged with the other instances sharing L2")
			.tag("cache", cacheName)
			.tag("direction", direction)
			.register(registry);
	}

	private static Timer loads(MeterRegistry registry, String cacheName, String result) {
		return Timer.builder("tiergate.cache.loads")
			.description("Invocations of a cached method on a miss")
			.tag("cache", cacheName)
			.tag("result", result)
			.register(registry);
	}

	/**
	 * Publishes L1 through Micrometer's {@link CaffeineCacheMetrics}: {@code cache.size},
	 * {@code cache.evictions}, {@code cache.gets}, tagged {@code cache} and
	 * {@code cache.manager}={@value #CACHE_MANAGER}. The {@code cache.manager} tag has the
	 * same keys as Boot's own cache meters, which registries such as Prometheus require of
	 * meters of one name.
	 */
	@Override
	public void bindL1(Cache<?, ?> l1) {
		new CaffeineCacheMetrics<>(l1, this.cacheName, Tags.of("cache.manager", CACHE_MANAGER)).bindTo(this.registry);
	}

	@Override
	public void load(long nanos, boolean success) {
		(success ? this.loadSuccesses : this.loadFailures).record(nanos, TimeUnit.NANOSECONDS);
	}

}
