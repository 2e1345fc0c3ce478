package dev.tiergate.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.TokenBuckets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerRateLimitMetrics}: the checks of the engine in this JVM,
 * built with plain constructors, as meters.
 */
class MicrometerRateLimitMetricsTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final RateLimiters limiters = new RateLimiters(List.of(CHAT), null, new ManualTimeMeter(), 1000);

	MicrometerRateLimitMetricsTests() {
		new MicrometerRateLimitMetrics(this.limiters).bindTo(this.meters);
	}

	@Test
	void checksAreCountedByTierResultAndModeNeverByClient() {
		TierRateLimiter chat = this.limiters.get("chat");
		for (int i = 0; i < 7; i++) {
			chat.check("ip:198.51.100.7", 1);
		}
		assertThat(count("chat", "allowed")).isEqualTo(5);
		assertThat(count("chat", "rejected")).isEqualTo(2);
		assertThat(chat.statistics().allowed()).isEqualTo(5);
		assertThat(chat.statistics().rejected()).isEqualTo(2);
		assertThat(chat.statistics().checks(Outcome.ALLOWED, Enforcement.DISTRIBUTED)).isZero();
		assertThat(this.meters.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags().toString())
			.doesNotContain("198.51.100.7"));
	}

	@Test
	void theInstancesThisOneLastSawAreAGauge() {
		TokenBuckets shared = (tier, clientKey, cost) -> RateLimitDecision.allowed(tier, Enforcement.DISTRIBUTED, 0,
				tier.limits().get(0).capacity(), 0);
		AtomicInteger instances = new AtomicInteger(3);
		RateLimiters distributed = new RateLimiters(List.of(CHAT), shared, new ManualTimeMeter(), 1000,
				TiergateObservations.NONE, instances::get, null);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new MicrometerRateLimitMetrics(distributed).bindTo(registry);
		assertThat(registry.get("tiergate.ratelimit.instances").gauge().value()).isEqualTo(3);
		instances.set(2);
		assertThat(registry.get("tiergate.ratelimit.instances").gauge().value()).isEqualTo(2);
		assertThat(this.meters.get("tiergate.ratelimit.instances").gauge().value()).as("without Redis").isOne();
	}

	private double count(String tier, String result) {
		return this.meters.get("tiergate.ratelimit.checks")
			.tag("tier", tier)
			.tag("result", result)
			.tag("mode", "local")
			.functionCounter()
			.count();
	}

}
