package dev.tiergate.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link RateLimitMetrics} published to Micrometer as the counter
 * {@code tiergate.ratelimit.checks}, tagged {@code tier}, {@code result}
 * (allowed|rejected) and {@code mode} (distributed|local): four counters per tier,
 * registered when the tier is created, whatever the number of clients.
 */
public final class MicrometerRateLimitMetrics implements RateLimitMetrics {

	private final Counter allowedDistributed;

	private final Counter rejectedDistributed;

	private final Counter allowedLocal;

	private final Counter rejectedLocal;

	/**
	 * Registers the counters of a tier.
	 * @param registry the registry
	 * @param tier the tier name
	 */
	public MicrometerRateLimitMetrics(MeterRegistry registry, String tier) {
		this.allowedDistributed = counter(registry, tier, "allowed", "distributed");
		this.rejectedDistributed = counter(registry, tier, "rejected", "distributed");
		this.allowedLocal = counter(registry, tier, "allowed", "local");
		this.rejectedLocal = counter(registry, tier, "rejected", "local");
	}

	/**
	 * Returns a factory that registers each tier's counters in a registry.
	 * @param registry the registry
	 * @return the factory
	 */
	public static RateLimitMetrics.Factory factory(MeterRegistry registry) {
		return (tier) -> new MicrometerRateLimitMetrics(registry, tier);
	}

	private static Counter counter(MeterRegistry registry, String tier, String result, String mode) {
		return Counter.builder("tiergate.ratelimit.checks")
			.description("Checks of rate-limited calls")
			.tag("tier", tier)
			.tag("result", result)
			.tag("mode", mode)
			.register(registry);
	}

	@Override
	public void checked(boolean allowed, boolean distributed) {
		if (distributed) {
			(allowed ? this.allowedDistributed : this.rejectedDistributed).increment();
		}
		else {
			(allowed ? this.allowedLocal : this.rejectedLocal).increment();
		}
	}

}
