package dev.tiergate.autoconfigure.metrics;

import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the {@link RateLimitStatistics} of every tier to Micrometer as the counter
 * {@code tiergate.ratelimit.checks}, tagged {@code tier}, {@code result}
 * (allowed|rejected) and {@code mode} (distributed|local): four counters per tier,
 * whatever the number of clients, reading the tier's statistics so nothing is counted
 * twice.
 */
final class MicrometerRateLimitMetrics implements MeterBinder {

	private final RateLimiters rateLimiters;

	/**
	 * Creates a binder of the meters of some rate limiters.
	 * @param rateLimiters the rate limiters
	 */
	MicrometerRateLimitMetrics(RateLimiters rateLimiters) {
		this.rateLimiters = rateLimiters;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (TierRateLimiter limiter : this.rateLimiters.all()) {
			String tier = limiter.tier().name();
			RateLimitStatistics statistics = limiter.statistics();
			for (Enforcement enforcement : Enforcement.values()) {
				for (Outcome outcome : Outcome.values()) {
					checks(registry, tier, statistics, outcome, enforcement);
				}
			}
		}
	}

	private static void checks(MeterRegistry registry, String tier, RateLimitStatistics statistics, Outcome outcome,
			Enforcement enforcement) {
		FunctionCounter
			.builder("tiergate.ratelimit.checks", statistics, (stats) -> stats.checks(outcome, enforcement))
			.description("Checks of rate-limited calls")
			.tag("tier", tier)
			.tag("result", outcome.tag())
			.tag("mode", enforcement.tag())
			.register(registry);
	}

}
