package dev.tiergate.cache.spring;

import dev.tiergate.cache.TieredCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

/**
 * Binds Boot's cache meters ({@code cache.gets}, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}) to a tiered cache, counting what Spring's
 * cache abstraction did with it; {@code cache.size} is the size of this instance's L1.
 */
public final class TieredCacheMeterBinderProvider implements CacheMeterBinderProvider<TieredSpringCache> {

	@Override
	public MeterBinder getMeterBinder(TieredSpringCache cache, Iterable<Tag> tags) {
		return new Binder(cache, tags);
	}

	private static final class Binder extends CacheMeterBinder<TieredSpringCache> {

		private final SpringCacheCounters counters;

		// Held here: the binder's own reference is weak, and may be gone.
		private final TieredCache tieredCache;

		Binder(TieredSpringCache cache, Iterable<Tag> tags) {
			super(cache, cache.getName(), tags);
			this.counters = cache.counters();
			this.tieredCache = cache.getNativeCache();
		}

		@Override
		protected Long size() {
			return this.tieredCache.l1Size();
		}

		@Override
		protected long hitCount() {
			return this.counters.hits();
		}

		@Override
		protected Long missCount() {
			return this.counters.misses();
		}

		@Override
		protected Long evictionCount() {
			return this.counters.evictions();
		}

		@Override
		protected long putCount() {
			return this.counters.puts();
		}

		@Override
		protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
			// Tiergate's per-tier meters (tiergate.cache.*) are bound with the tiered cache.
		}

	}

}
