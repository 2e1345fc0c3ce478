package dev.tiergate.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ConcurrencyLeases;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.interceptor.RateLimitAdvisor;
import dev.tiergate.redis.RedisUnavailableException;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Concurrency limits ({@code max-concurrent}): leases of calls in flight in real Redis,
 * shared by instances, and semaphores in this JVM during an outage.
 */
class ConcurrencyLimitTests {

	private static TestGuardedRedis shared;

	private static RedisProbe sharedProbe;

	private final ManualTimeMeter time = new ManualTimeMeter();

	@BeforeAll
	static void connect() {
		shared = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(5));
		sharedProbe = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		shared.close();
		sharedProbe.close();
	}

	private static RateLimitTier tier(int maxCalls, OnRedisFailure onRedisFailure) {
		return new RateLimitTier("llm", List.of(new RateLimitTier.Limit(1000, 1000, Duration.ofSeconds(1))),
				onRedisFailure, new RateLimitTier.Concurrency(maxCalls, Duration.ofMinutes(1)));
	}

	/** An instance of the application: its own leases (and call ids) on the shared Redis. */
	private TierRateLimiter instance(RateLimitTier tier, String namespace) {
		return application(tier, namespace).get(tier.name());
	}

	private RateLimiters application(RateLimitTier tier, String namespace) {
		return new RateLimiters(List.of(tier), new RedisTokenBuckets(shared.redis(), namespace, this.time), this.time,
				100, TiergateObservations.NONE, LiveInstances.ONE, new RedisConcurrencyLeases(shared.redis(), namespace, this.time));
	}

	@Test
	void atMostMaxConcurrentCallsOfAClientAreInFlightAcrossTwoInstances() {
		RateLimitTier tier = tier(2, OnRedisFailure.LOCAL);
		String namespace = namespace();
		TierRateLimiter first = instance(tier, namespace);
		TierRateLimiter second = instance(tier, namespace);
		TierRateLimiter.Lease one = first.acquire("client");
		TierRateLimiter.Lease two = second.acquire("client");
		assertThat(one.rejection()).isNull();
		assertThat(two.rejection()).isNull();
		RateLimitDecision rejected = first.acquire("client").rejection();
		assertThat(rejected).isNotNull();
		assertThat(rejected.isConcurrencyLimited()).isTrue();
		assertThat(rejected.isDistributed()).isTrue();
		assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
		assertThat(new RateLimitExceededException(rejected)).hasMessageContaining("Concurrency limit of tier 'llm'");
		assertThat(second.acquire("another client").rejection()).as("per client").isNull();
		two.close();
		assertThat(first.acquire("client").rejection()).as("the released place is free again").isNull();
		assertThat(first.statistics().rejected()).isOne();
		assertThat(sharedProbe.scanKeys("{" + namespace + ":rc:*")).as("hashed, namespaced, hash-tagged")
			.allMatch((key) -> key.matches("\\{" + namespace + ":rc:llm:[0-9a-f]{32}}"));
	}

	@Test
	void theLeasesOfAnInstanceThatDiedExpireAfterTheirTtl() {
		RateLimitTier tier = tier(2, OnRedisFailure.LOCAL);
		String namespace = namespace();
		TierRateLimiter dying = instance(tier, namespace);
		TierRateLimiter survivor = instance(tier, namespace);
		assertThat(dying.acquire("client").rejection()).isNull();
		assertThat(dying.acquire("client").rejection()).isNull();
		// The instance dies: its leases are never released.
		assertThat(survivor.acquire("client").rejection()).isNotNull();
		this.time.advance(Duration.ofSeconds(59));
		assertThat(survivor.acquire("client").rejection()).isNotNull();
		this.time.advance(Duration.ofSeconds(1));
		assertThat(survivor.acquire("client").rejection()).isNull();
		assertThat(survivor.acquire("client").rejection()).isNull();
		assertThat(survivor.acquire("client").rejection()).isNotNull();
	}

	@Test
	void concurrentAcquisitionsFromTwoInstancesNeverHoldMoreThanTheMaximum() throws Exception {
		RateLimitTier tier = tier(3, OnRedisFailure.DENY);
		String namespace = namespace();
		List<TierRateLimiter> instances = List.of(instance(tier, namespace), instance(tier, namespace));
		ExecutorService threads = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Boolean>> results = new ArrayList<>();
		for (int t = 0; t < 24; t++) {
			TierRateLimiter limiter = instances.get(t % 2);
			results.add(threads.submit(() -> {
				start.await();
				return limiter.acquire("the-one-client").rejection() == null;
			}));
		}
		start.countDown();
		int acquired = 0;
		for (Future<Boolean> result : results) {
			acquired += result.get() ? 1 : 0;
		}
		threads.shutdown();
		assertThat(acquired).isBetween(1, 3);
	}

	@Test
	void aCallReleasesItsLeaseWhenItReturnsAndWhenItThrows() {
		RateLimitTier tier = tier(1, OnRedisFailure.LOCAL);
		RateLimiters application = application(tier, namespace());
		TierRateLimiter limiter = application.get(tier.name());
		Llm llm = proxy(new Llm(), application);
		for (int i = 0; i < 3; i++) {
			assertThat(llm.ask()).isEqualTo("answer");
			assertThatIllegalStateException().isThrownBy(llm::fail);
		}
		TierRateLimiter.Lease held = limiter.acquire("global");
		assertThat(held.rejection()).isNull();
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(llm::ask)
			.satisfies((ex) -> assertThat(ex.getDecision().isConcurrencyLimited()).isTrue());
		assertThat(limiter.statistics().allowed()).as("a call refused for concurrency takes no tokens").isEqualTo(6);
		held.close();
	}

	@Test
	void whileRedisIsDownEachTierDoesWhatItsOnRedisFailureSays() {
		ConcurrencyLeases down = new ConcurrencyLeases() {

			@Override
			public @Nullable String tryAcquire(RateLimitTier tier, String clientKey) {
				throw new RedisUnavailableException("Redis is down", null);
			}

			@Override
			public void release(RateLimitTier tier, String clientKey, String lease) {
				throw new RedisUnavailableException("Redis is down", null);
			}

		};
		TierRateLimiter local = withLeases(tier(2, OnRedisFailure.LOCAL), down);
		TierRateLimiter.Lease one = local.acquire("client");
		assertThat(local.acquire("client").rejection()).isNull();
		RateLimitDecision third = local.acquire("client").rejection();
		assertThat(third).isNotNull();
		assertThat(third.isDistributed()).as("local semaphores").isFalse();
		one.close();
		assertThat(local.localCallsInFlight("client")).isOne();
		TierRateLimiter allow = withLeases(tier(1, OnRedisFailure.ALLOW), down);
		for (int i = 0; i < 5; i++) {
			assertThat(allow.acquire("client").rejection()).isNull();
		}
		TierRateLimiter deny = withLeases(tier(1, OnRedisFailure.DENY), down);
		assertThat(deny.acquire("client").rejection()).isNotNull();
	}

	private TierRateLimiter withLeases(RateLimitTier tier, ConcurrencyLeases leases) {
		return new RateLimiters(List.of(tier), null, this.time, 100,
				TiergateObservations.NONE, LiveInstances.ONE, leases)
			.get(tier.name());
	}

	private static Llm proxy(Llm target, RateLimiters limiters) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new RateLimitAdvisor(() -> limiters, (tier) -> ClientKeyResolver.GLOBAL,
				() -> RateLimitListener.NONE, null, null, 0));
		return (Llm) factory.getProxy();
	}

	private static String namespace() {
		return "concurrency-test-" + UUID.randomUUID();
	}

	static class Llm {

		@RateLimited("llm")
		public String ask() {
			return "answer";
		}

		@RateLimited("llm")
		public String fail() {
			throw new IllegalStateException("the model is down");
		}

	}

}
