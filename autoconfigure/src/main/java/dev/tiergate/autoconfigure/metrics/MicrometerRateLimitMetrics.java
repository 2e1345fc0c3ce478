package dev.tiergate.autoconfigure.metrics;

import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimitStatistics.Settlement;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the {@link RateLimitStatistics} of every tier to Micrometer as the counter
 * {@code tiergate.ratelimit.checks}, tagged {@code tier}, {@code result}
 * (allowed|rejected, and shadow-rejected for a tier in shadow mode) and {@code mode}
 * (distributed|local): four counters per tier (six in shadow mode),
 * whatever the number of clients, reading the tier's statistics so nothing is counted
 * twice; the gauge {@code tiergate.ratelimit.instances}, the instances this one last
 * saw alive, whose share of the limits it enforces during a Redis outage. Token budgets
 * add {@code tiergate.ratelimit.settled.tokens}, tagged {@code tier} and
 * {@code direction} (refunded|charged), and {@code tiergate.ratelimit.settlements.failed},
 * tagged {@code tier}.
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
		Gauge.builder("tiergate.ratelimit.instances", this.rateLimiters, RateLimiters::liveInstances)
			.description("Instances of the application alive at this one's last heartbeat; a Redis outage"
					+ " gives each 1/N of the limits of the local tiers")
			.register(registry);
		for (TierRateLimiter limiter : this.rateLimiters.all()) {
			String tier = limiter.tier().name();
			RateLimitStatistics statistics = limiter.statistics();
			for (Enforcement enforcement : Enforcement.values()) {
				for (Outcome outcome : Outcome.values()) {
					if (outcome != Outcome.SHADOW_REJECTED || limiter.tier().mode() == RateLimitTier.Mode.SHADOW) {
						checks(registry, tier, statistics, outcome, enforcement);
					}
				}
			}
			for (Settlement settlement : Settlement.values()) {
				FunctionCounter
					.builder("tiergate.ratelimit.settled.tokens", statistics, (stats) -> stats.settledTokens(settlement))
					.description("Tokens given back to or taken from buckets after calls (token budgets)")
					.baseUnit("tokens")
					.tag("tier", tier)
					.tag("direction", settlement.tag())
					.register(registry);
			}
			FunctionCounter
				.builder("tiergate.ratelimit.settlements.failed", statistics, RateLimitStatistics::failedSettlements)
				.description("Settlements of calls that could not be made; the estimate stood")
				.tag("tier", tier)
				.register(registry);
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
