package dev.tiergate.cache;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link CacheMetrics} published to Micrometer. Meters are registered when the cache is
 * created, tagged with the cache name only (never a key):
 * <ul>
 * <li>{@code tiergate.cache.gets} (counter; tags {@code cache}, {@code tier}=l1|l2,
 * {@code result}=hit|miss)</li>
 * <li>{@code tiergate.cache.loads} (timer of method invocations; tags {@code cache},
 * {@code result}=success|failure)</li>
 * <li>{@code tiergate.cache.errors} (counter of absorbed failures; tags {@code cache},
 * {@code kind}=redis|decode|encode|key)</li>
 * <li>{@code tiergate.cache.stale.served} (counter of stale values returned because the
 * method failed; tag {@code cache})</li>
 * <li>{@code tiergate.cache.invalidations} (counter of invalidations exchanged with other
 * instances; tags {@code cache}, {@code direction}=sent|received)</li>
 * </ul>
 */
public final class MicrometerCacheMetrics implements CacheMetrics {

	private final Counter l1Hits;

	private final Counter l1Misses;

	private final Counter l2Hits;

	private final Counter l2Misses;

	private final Timer loadSuccesses;

	private final Timer loadFailures;

	private final Map<CacheErrorKind, Counter> errors = new EnumMap<>(CacheErrorKind.class);

	private final Counter staleServed;

	private final Counter invalidationsSent;

	private final Counter invalidationsReceived;

	/**
	 * Registers the meters of a cache.
	 * @param registry the registry
	 * @param cacheName the cache name
	 */
	public MicrometerCacheMetrics(MeterRegistry registry, String cacheName) {
		this.l1Hits = gets(registry, cacheName, "l1", "hit");
		this.l1Misses = gets(registry, cacheName, "l1", "miss");
		this.l2Hits = gets(registry, cacheName, "l2", "hit");
		this.l2Misses = gets(registry, cacheName, "l2", "miss");
		this.loadSuccesses = loads(registry, cacheName, "success");
		this.loadFailures = loads(registry, cacheName, "failure");
		for (CacheErrorKind kind : CacheErrorKind.values()) {
			this.errors.put(kind, Counter.builder("tiergate.cache.errors")
				.description("Failures of a tiered cache that were absorbed instead of reaching the caller")
				.tag("cache", cacheName)
				.tag("kind", kind.tag())
				.register(registry));
		}
		this.staleServed = Counter.builder("tiergate.cache.stale.served")
			.description("Stale values returned because the cached method failed")
			.tag("cache", cacheName)
			.register(registry);
		this.invalidationsSent = invalidations(registry, cacheName, "sent");
		this.invalidationsReceived = invalidations(registry, cacheName, "received");
	}

	private static Counter invalidations(MeterRegistry registry, String cacheName, String direction) {
		return Counter.builder("tiergate.cache.invalidations")
			.description("Invalidations exchanged with the other instances sharing L2")
			.tag("cache", cacheName)
			.tag("direction", direction)
			.register(registry);
	}

	/**
	 * Returns a factory that registers each cache's meters in a registry.
	 * @param registry the registry
	 * @return the factory
	 */
	public static CacheMetrics.Factory factory(MeterRegistry registry) {
		return (cacheName) -> new MicrometerCacheMetrics(registry, cacheName);
	}

	private static Counter gets(MeterRegistry registry, String cacheName, String tier, String result) {
		return Counter.builder("tiergate.cache.gets")
			.description("Lookups in a tier of a tiered cache")
			.tag("cache", cacheName)
			.tag("tier", tier)
			.tag("result", result)
			.register(registry);
	}

	private static Timer loads(MeterRegistry registry, String cacheName, String result) {
		return Timer.builder("tiergate.cache.loads")
			.description("Invocations of a cached method on a miss")
			.tag("cache", cacheName)
			.tag("result", result)
			.register(registry);
	}

	@Override
	public void l1Get(boolean hit) {
		(hit ? this.l1Hits : this.l1Misses).increment();
	}

	@Override
	public void l2Get(boolean hit) {
		(hit ? this.l2Hits : this.l2Misses).increment();
	}

	@Override
	public void load(long nanos, boolean success) {
		(success ? this.loadSuccesses : this.loadFailures).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void staleServed() {
		this.staleServed.increment();
	}

	@Override
	public void invalidation(boolean sent) {
		(sent ? this.invalidationsSent : this.invalidationsReceived).increment();
	}

	@Override
	public void error(CacheErrorKind kind) {
		this.errors.get(kind).increment();
	}

}
