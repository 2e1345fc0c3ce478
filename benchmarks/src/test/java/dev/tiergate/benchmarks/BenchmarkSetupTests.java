package dev.tiergate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.test.RedisProbe;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the setup of the Redis-backed benchmarks and a few calls of each of their methods,
 * without measuring anything, so that {@code mvn verify} catches a benchmark that no
 * longer starts, and a change that adds a round trip to an L2 hit or a rate-limit check.
 * (The in-JVM benchmarks check their own setup when they start.)
 */
class BenchmarkSetupTests {

	private static final int CALLS = 50;

	@Test
	void l2HitSendsOneGetPerCallLikeTheRawClientAndGetAllOfAHundredKeysOneMget() {
		CacheL2Benchmark benchmark = new CacheL2Benchmark();
		benchmark.start();
		try {
			CacheL2Benchmark.Calls calls = new CacheL2Benchmark.Calls();
			calls.register(benchmark);
			for (String method : new String[] { "tiergateL2Hit", "rawLettuceGet" }) {
				benchmark.resetCount();
				for (int i = 0; i < CALLS; i++) {
					Product product = method.equals("tiergateL2Hit") ? benchmark.tiergateL2Hit(calls)
							: benchmark.rawLettuceGet(calls);
					assertThat(product).isEqualTo(Product.load(CacheHitBenchmark.ID));
				}
				RedisCommandCount.Result result = benchmark.count();
				assertThat(result.sentPerOperation()).as(method).isEqualTo(1.0);
				assertThat(result.perCommand()).as(method).containsOnlyKeys("GET");
			}
			benchmark.resetCount();
			for (int i = 0; i < CALLS; i++) {
				assertThat(benchmark.tiergateGetAll100(calls)).hasSize(100)
					.containsEntry(CacheHitBenchmark.ID, Product.load(CacheHitBenchmark.ID));
			}
			RedisCommandCount.Result result = benchmark.count();
			assertThat(result.sentPerOperation()).as("tiergateGetAll100").isEqualTo(1.0);
			assertThat(result.perCommand()).as("tiergateGetAll100").containsOnlyKeys("MGET");
		}
		finally {
			benchmark.stop();
		}
	}

	@Test
	void everyCacheHitBenchmarkAnswersTheProduct() {
		CacheHitBenchmark benchmark = new CacheHitBenchmark();
		benchmark.start();
		try {
			Product expected = Product.load(CacheHitBenchmark.ID);
			for (int i = 0; i < CALLS; i++) {
				assertThat(benchmark.tiergateL1Hit()).isEqualTo(expected);
				assertThat(benchmark.springCacheableCaffeine()).isEqualTo(expected);
				assertThat(benchmark.springCacheableTiered()).isEqualTo(expected);
				assertThat(benchmark.rawCaffeine()).isEqualTo(expected);
				assertThat(benchmark.noCache()).isEqualTo(expected);
			}
		}
		finally {
			benchmark.stop();
		}
	}

	@Test
	void everyMonoBenchmarkAnswersTheProduct() {
		MonoCacheBenchmark benchmark = new MonoCacheBenchmark();
		benchmark.start();
		try {
			Product expected = Product.load(CacheHitBenchmark.ID);
			for (int i = 0; i < CALLS; i++) {
				assertThat(benchmark.tiergateMonoL1Hit()).isEqualTo(expected);
				assertThat(benchmark.springCacheableMonoCaffeine()).isEqualTo(expected);
				assertThat(benchmark.tiergateMonoL2Hit()).isEqualTo(expected);
				assertThat(benchmark.rawLettuceReactiveGet()).isEqualTo(expected);
			}
		}
		finally {
			benchmark.stop();
		}
	}

	@Test
	void tiergateAndTheRawScriptCallSendOneScriptCallPerCheckAndBucket4jAtLeastTwoCommands() {
		RateLimitBenchmark benchmark = new RateLimitBenchmark();
		RateLimitBenchmark.Distributed redis = new RateLimitBenchmark.Distributed();
		redis.start();
		try {
			RateLimitBenchmark.Checks checks = new RateLimitBenchmark.Checks();
			checks.register(redis);
			redis.resetCount();
			for (int i = 0; i < CALLS; i++) {
				RateLimitDecision decision = benchmark.tiergateRedis(redis, checks);
				assertThat(decision.isAllowed()).isTrue();
				assertThat(decision.isDistributed()).isTrue();
			}
			RedisCommandCount.Result tiergate = redis.count(true);
			assertThat(tiergate.sentPerOperation()).isEqualTo(1.0);
			assertThat(tiergate.perCommand()).containsEntry("EVALSHA", (long) CALLS);
			redis.resetCount();
			for (int i = 0; i < CALLS; i++) {
				List<Long> reply = benchmark.rawEvalsha(redis, checks);
				assertThat(reply.get(0)).isOne();
				assertThat(reply).hasSize(4);
			}
			RedisCommandCount.Result raw = redis.count(true);
			assertThat(raw.sentPerOperation()).isEqualTo(1.0);
			assertThat(raw.perCommand()).containsEntry("EVALSHA", (long) CALLS);
			assertThat(raw.rejected()).isZero();
			try (RedisProbe probe = new RedisProbe(redis.redis.endpoint())) {
				assertThat(probe.scanKeys("*:rl:*")).as("the raw calls wrote tiergate's own bucket of the client")
					.containsExactly(new String(redis.rawKeys[0], StandardCharsets.UTF_8));
			}
			redis.resetCount();
			for (int i = 0; i < CALLS; i++) {
				assertThat(benchmark.bucket4jLettuce(redis, checks)).isTrue();
			}
			RedisCommandCount.Result bucket4j = redis.count(false);
			assertThat(bucket4j.sentPerOperation()).isGreaterThanOrEqualTo(2.0);
			assertThat(bucket4j.rejected()).isZero();
		}
		finally {
			redis.stop();
		}
	}

}
