package dev.tiergate.autoconfigure.metrics;

import dev.tiergate.cache.warmup.CacheWarmup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Publishes the runs of the cache warmers to Micrometer:
 * <ul>
 * <li>{@code tiergate.cache.warmup.entries} (counter; tags {@code cache},
 * {@code result}: {@code loaded} or {@code failed})</li>
 * <li>{@code tiergate.cache.warmup.duration} (timer; tags {@code cache}, {@code outcome}:
 * {@code completed}, {@code timed-out}, {@code failed} or {@code skipped-lease})</li>
 * </ul>
 */
final class MicrometerWarmupMetrics implements CacheWarmup.Listener {

	private final ObjectProvider<MeterRegistry> registry;

	MicrometerWarmupMetrics(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void finished(CacheWarmup.Result result) {
		// Resolved per run, which happens once the application has started and the registry is ready.
		MeterRegistry registry = this.registry.getIfUnique();
		if (registry == null) {
			return;
		}
		entries(registry, result.cacheName(), "loaded").increment(result.loaded());
		entries(registry, result.cacheName(), "failed").increment(result.failed());
		Timer.builder("tiergate.cache.warmup.duration")
			.description("Time the warmers of a cache took, by how the run ended")
			.tag("cache", result.cacheName())
			.tag("outcome", result.outcome().tagValue())
			.register(registry)
			.record(result.duration());
	}

	private static Counter entries(MeterRegistry registry, String cacheName, String result) {
		return Counter.builder("tiergate.cache.warmup.entries")
			.description("Entries the warmers of a cache put, or could not put")
			.tag("cache", cacheName)
			.tag("result", result)
			.register(registry);
	}

}
