package dev.tiergate.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call of a tier with {@code max-concurrent} takes a lease, then tokens: two round trips.
 * When Redis is frozen ({@code kill -STOP}) the lease's attempt waits for the timeout; the
 * tokens of that call then go to the tier's fallback at once instead of waiting for a
 * second timeout. Counted as calls the breaker recorded as failed, not timed.
 */
class ConcurrencyLeaseOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private static final RateLimitTier LLM = new RateLimitTier("llm",
			List.of(new RateLimitTier.Limit(100, 1, Duration.ofSeconds(1))), OnRedisFailure.LOCAL,
			new RateLimitTier.Concurrency(2, Duration.ofMinutes(1)));

	/** A breaker that stays closed for this test's few calls: each of them goes to Redis. */
	private static final GuardedRedis.BreakerSettings CLOSED = GuardedRedis.BreakerSettings.builder()
		.slidingWindowSize(100)
		.minimumNumberOfCalls(100)
		.build();

	@Test
	void aCallWhoseLeaseFoundRedisFrozenTakesItsTokensInTheFallbackWithoutWaitingAgain() throws Exception {
		try (RedisProcess redis = TestRedis.startPrivate();
				TestGuardedRedis guarded = new TestGuardedRedis(redis.endpoint(), TIMEOUT, CLOSED)) {
			String namespace = "lease-outage-" + UUID.randomUUID();
			RateLimiters limiters = new RateLimiters(List.of(LLM), new RedisTokenBuckets(guarded.redis(), namespace),
					TimeMeter.SYSTEM_NANOTIME, 100, TiergateObservations.NONE, LiveInstances.ONE,
					new RedisConcurrencyLeases(guarded.redis(), namespace, null));
			TierRateLimiter llm = limiters.get("llm");
			try (TierRateLimiter.Lease lease = llm.acquire("client")) {
				assertThat(llm.check("client", 1, lease).isDistributed()).as("Redis answering").isTrue();
			}
			redis.freeze();
			try {
				int failed = failedCalls(guarded);
				try (TierRateLimiter.Lease lease = llm.acquire("client")) {
					assertThat(lease.rejection()).isNull();
					assertThat(failedCalls(guarded)).as("the lease waited for the timeout").isEqualTo(failed + 1);
					RateLimitDecision decision = llm.check("client", 1, lease);
					assertThat(decision.isAllowed()).isTrue();
					assertThat(decision.isDistributed()).isFalse();
					assertThat(failedCalls(guarded)).as("its tokens did not wait again").isEqualTo(failed + 1);
				}
				TierRateLimiter.Lease asyncLease = llm.acquireAsync("client").toCompletableFuture().get();
				assertThat(failedCalls(guarded)).isEqualTo(failed + 2);
				assertThat(llm.checkAsync("client", 1, asyncLease).toCompletableFuture()).isCompleted()
					.satisfies((decided) -> assertThat(decided.join().isDistributed()).isFalse());
				asyncLease.close();
				assertThat(failedCalls(guarded)).isEqualTo(failed + 2);
				assertThat(llm.check("client", 1).isDistributed()).as("a check without a lease tries Redis").isFalse();
				assertThat(failedCalls(guarded)).isEqualTo(failed + 3);
			}
			finally {
				redis.thaw();
			}
		}
	}

	private static int failedCalls(TestGuardedRedis guarded) {
		return guarded.redis().breaker().getMetrics().getNumberOfFailedCalls();
	}

}
