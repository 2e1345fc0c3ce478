package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitStatistics.Settlement;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.interceptor.RateLimitAdvisor;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token budgets on real Redis and in this JVM alike: an estimate taken before the call,
 * settled after it (refunded up to full, or charged down to one capacity below empty).
 */
class TokenBudgetTests {

	/** 100 tokens, 10 a second back: a full bucket in 10s. */
	private static final RateLimitTier BUDGET = new RateLimitTier("llm-tokens",
			List.of(new RateLimitTier.Limit(100, 10, Duration.ofSeconds(1))), OnRedisFailure.LOCAL);

	private static TestGuardedRedis shared;

	private static RedisProbe sharedProbe;

	private final ManualTimeMeter time = new ManualTimeMeter();

	@BeforeAll
	static void connect() {
		shared = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2));
		sharedProbe = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		shared.close();
		sharedProbe.close();
	}

	private TierRateLimiter limiter(boolean inRedis) {
		return new RateLimiters(List.of(BUDGET),
				inRedis ? new RedisTokenBuckets(shared.redis(), namespace(), this.time) : null, this.time, 100)
			.get(BUDGET.name());
	}

	@ParameterizedTest(name = "in Redis: {0}")
	@ValueSource(booleans = { true, false })
	void aRefundGivesBackTheDifferenceButNeverFillsAboveFull(boolean inRedis) {
		TierRateLimiter limiter = limiter(inRedis);
		RateLimitDecision reservation = limiter.check("client", 30);
		assertThat(reservation.remaining()).isEqualTo(70);
		assertThat(reservation.isDistributed()).isEqualTo(inRedis);
		assertThat(limiter.settle("client", reservation, -12)).isTrue();
		assertThat(limiter.check("client", 1).remaining()).as("70 + 12 - 1").isEqualTo(81);
		limiter.settle("client", reservation, -500);
		assertThat(limiter.check("client", 1).remaining()).as("full, then 1 taken").isEqualTo(99);
		assertThat(limiter.statistics().settledTokens(Settlement.REFUNDED)).isEqualTo(512);
		assertThat(limiter.statistics().settledTokens(Settlement.CHARGED)).isZero();
	}

	@ParameterizedTest(name = "in Redis: {0}")
	@ValueSource(booleans = { true, false })
	void aChargeMakesTheBucketNegativeAndDelaysTheNextCallsUntilItRefilled(boolean inRedis) {
		TierRateLimiter limiter = limiter(inRedis);
		RateLimitDecision reservation = limiter.check("client", 100);
		assertThat(reservation.isAllowed()).isTrue();
		limiter.settle("client", reservation, 30);
		RateLimitDecision next = limiter.check("client", 1);
		assertThat(next.isAllowed()).isFalse();
		assertThat(next.remaining()).isZero();
		assertThat(next.retryAfter()).as("31 tokens at 10 a second").isEqualTo(Duration.ofMillis(3100));
		this.time.advance(Duration.ofMillis(3099));
		assertThat(limiter.check("client", 1).isAllowed()).isFalse();
		this.time.advance(Duration.ofMillis(1));
		assertThat(limiter.check("client", 1).isAllowed()).isTrue();
		assertThat(limiter.statistics().settledTokens(Settlement.CHARGED)).isEqualTo(30);
	}

	@ParameterizedTest(name = "in Redis: {0}")
	@ValueSource(booleans = { true, false })
	void anOverdraftStopsOneCapacityBelowEmpty(boolean inRedis) {
		TierRateLimiter limiter = limiter(inRedis);
		RateLimitDecision reservation = limiter.check("client", 50);
		limiter.settle("client", reservation, 1_000_000);
		assertThat(limiter.check("client", 1).retryAfter()).as("from -100 to 1 token")
			.isEqualTo(Duration.ofMillis(10_100));
	}

	@Test
	void aNegativeBucketInRedisIsNeitherCorruptNorFullAndExpiresWhenItWouldBeFull() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace());
		assertThat(buckets.tryConsume(BUDGET, "client", 100).isAllowed()).isTrue();
		buckets.settle(BUDGET, "client", 40);
		String key = buckets.key(BUDGET.name(), "client");
		assertThat(new String(sharedProbe.get(key), StandardCharsets.US_ASCII)).contains("=-");
		RateLimitDecision next = buckets.tryConsume(BUDGET, "client", 1);
		assertThat(next.isAllowed()).as("a negative balance is read, not taken for a corrupt (full) bucket")
			.isFalse();
		// On the server's clock, which moves between the calls of this loaded machine.
		assertThat(next.retryAfter()).as("41 tokens").isBetween(Duration.ofMillis(3000), Duration.ofMillis(4100));
		assertThat(sharedProbe.pttl(key)).as("140 tokens take 14s to come back").isBetween(12_000L, 14_000L);
	}

	@Test
	void concurrentReservationsFromTwoInstancesNeverOvershootTheBudget() throws Exception {
		// DENY: a check that times out on this loaded machine must not be admitted by a local bucket.
		RateLimitTier slow = new RateLimitTier("slow-budget",
				List.of(new RateLimitTier.Limit(1000, 1, Duration.ofHours(1))), OnRedisFailure.DENY);
		String namespace = namespace();
		// Connections of their own: a breaker opened by a timeout here must not fail the other tests.
		try (TestGuardedRedis first = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(5));
				TestGuardedRedis second = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(5))) {
			List<TierRateLimiter> instances = List.of(
					new RateLimiters(List.of(slow), new RedisTokenBuckets(first.redis(), namespace), this.time, 10)
						.get(slow.name()),
					new RateLimiters(List.of(slow), new RedisTokenBuckets(second.redis(), namespace), this.time, 10)
						.get(slow.name()));
			AtomicLong admitted = new AtomicLong();
			ExecutorService threads = Executors.newFixedThreadPool(8);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				TierRateLimiter limiter = instances.get(t % 2);
				results.add(threads.submit(() -> {
					start.await();
					for (int i = 0; i < 20; i++) {
						RateLimitDecision reservation = limiter.check("the-one-key", 30);
						if (reservation.isAllowed()) {
							admitted.incrementAndGet();
							// The call cost a third more than estimated.
							limiter.settle("the-one-key", reservation, 10);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> result : results) {
				result.get();
			}
			threads.shutdown();
			// Each admitted call took 40 of 1000 (refilled: none, the clock stands). A reservation is
			// admitted only while 30 are left, so only the 10 not yet charged of the (at most 7) other
			// calls in flight can overdraw: 1000 - 30 (n - 1) - 10 (n - 8) >= 30 gives n <= 27. And
			// fewer than 25 would leave 40 at the end, which no refusal could have seen.
			assertThat(admitted.get()).isBetween(25L, 27L);
		}
	}

	@Test
	void aCallWhoseActualCostIsTheEstimateMakesOneRoundTripAndAnotherMakesTwo() {
		try (RedisProcess redis = TestRedis.startPrivate();
				TestGuardedRedis guarded = new TestGuardedRedis(redis.endpoint(), Duration.ofSeconds(2));
				RedisProbe probe = new RedisProbe(redis.endpoint())) {
			RateLimiters limiters = new RateLimiters(List.of(BUDGET), new RedisTokenBuckets(guarded.redis(), "probe"),
					this.time, 10);
			Llm llm = proxy(new Llm(), limiters);
			llm.ask(5, 5); // loads the script: EVALSHA, NOSCRIPT, EVAL
			probe.resetStats();
			for (int i = 0; i < 10; i++) {
				llm.ask(3, 3);
			}
			assertThat(probe.commandCount("evalsha")).as("the estimate was right: nothing to settle").isEqualTo(10);
			probe.resetStats();
			for (int i = 0; i < 10; i++) {
				llm.ask(3, 1 + (i % 2) * 4);
			}
			assertThat(probe.commandCount("evalsha")).as("one check and one settlement each").isEqualTo(20);
			assertThat(probe.totalCommandsExcluding("info", "config", "time", "get", "set", "evalsha")).isZero();
			assertThat(limiters.get(BUDGET.name()).statistics().settledTokens(Settlement.REFUNDED)).isEqualTo(10);
			assertThat(limiters.get(BUDGET.name()).statistics().settledTokens(Settlement.CHARGED)).isEqualTo(10);
		}
	}

	private static Llm proxy(Llm target, RateLimiters limiters) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new RateLimitAdvisor(() -> limiters, (tier) -> ClientKeyResolver.GLOBAL,
				() -> RateLimitListener.NONE, null, null, 0));
		return (Llm) factory.getProxy();
	}

	private static String namespace() {
		return "budget-test-" + UUID.randomUUID();
	}

	static class Llm {

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		public long ask(long estimate, long used) {
			return used;
		}

	}

}
