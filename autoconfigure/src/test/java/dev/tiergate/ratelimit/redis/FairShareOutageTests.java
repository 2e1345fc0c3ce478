package dev.tiergate.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.redis.RedisUnavailableException;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The proof of fair shares: three instances, each with its own connection and heartbeat
 * on a Redis process of its own, one client's calls spread across them in turn, and
 * Redis killed. The local buckets run on a clock moved by hand, so the outage lasts
 * exactly ten minutes of bucket time.
 */
class FairShareOutageTests {

	private static final int INSTANCES = 3;

	private static final Duration OUTAGE = Duration.ofMinutes(10);

	private static final Duration STEP = Duration.ofMillis(100);

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static final RateLimitTier CONTENT = new RateLimitTier("content",
			List.of(new RateLimitTier.Limit(100, 10, Duration.ofSeconds(1))), OnRedisFailure.LOCAL);

	@Test
	void withRedisKilledThreeInstancesTogetherAdmitTheLimitPlusAtMostOneTokenEach() {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			List<Instance> instances = start(redis, (heartbeat) -> heartbeat);
			try {
				for (Instance instance : instances) {
					instance.heartbeat().beat();
				}
				for (Instance instance : instances) {
					assertThat(instance.heartbeat().beat()).isEqualTo(INSTANCES);
					assertThat(instance.limiters().liveInstances()).isEqualTo(INSTANCES);
					assertThat(instance.limiters().get("chat").check("warm-up", 1).isDistributed()).isTrue();
				}
				redis.stop();
				assertThatExceptionOfType(RedisUnavailableException.class)
					.isThrownBy(() -> instances.get(0).heartbeat().beat());
				assertThat(instances.get(0).heartbeat().count()).as("the count of the last beat stands")
					.isEqualTo(INSTANCES);
				Admitted admitted = outage(instances);
				assertThat(admitted.chat()).isBetween(limit(CHAT) - INSTANCES, limit(CHAT) + INSTANCES)
					.as("each instance its share: 1 token and 1 per 30 s").isEqualTo(INSTANCES * (1 + 20));
				assertThat(admitted.content()).isBetween(limit(CONTENT) - INSTANCES, limit(CONTENT) + INSTANCES)
					.as("each instance its share: 33 tokens and 10 per 3 s").isEqualTo(INSTANCES * (33 + 2000));
				assertThat(instances.get(0).limiters().get("chat").localBuckets())
					.as("the client's share bucket, beside the whole buckets kept for calls without Redis")
					.isOne();
			}
			finally {
				instances.forEach(Instance::close);
			}
		}
	}

	@Test
	void withFairSharesOffEachInstanceAdmitsTheWholeLimitAsBefore() {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			List<Instance> instances = start(redis, (heartbeat) -> LiveInstances.ONE);
			try {
				for (Instance instance : instances) {
					instance.heartbeat().beat();
					assertThat(instance.limiters().get("chat").check("warm-up", 1).isDistributed()).isTrue();
				}
				redis.stop();
				Admitted admitted = outage(instances);
				assertThat(admitted.chat()).isEqualTo(INSTANCES * limit(CHAT));
				assertThat(admitted.content()).isEqualTo(INSTANCES * limit(CONTENT));
			}
			finally {
				instances.forEach(Instance::close);
			}
		}
	}

	/** What a tier's limit admits over the outage: the full bucket and the refill. */
	private static long limit(RateLimitTier tier) {
		RateLimitTier.Limit limit = tier.limits().get(0);
		return limit.capacity() + OUTAGE.toNanos() / limit.refillPeriod().toNanos() * limit.refillTokens();
	}

	/**
	 * Sends one client's calls round-robin, far more than the limits admit, every step of
	 * the outage, including its first and last instant.
	 */
	private static Admitted outage(List<Instance> instances) {
		long chat = 0;
		long content = 0;
		int next = 0;
		for (long step = 0; step <= OUTAGE.toNanos() / STEP.toNanos(); step++) {
			for (int call = 0; call < 4 * INSTANCES; call++) {
				Instance instance = instances.get(next++ % INSTANCES);
				RateLimitDecision chatDecision = instance.limiters().get("chat").check("ip:203.0.113.9", 1);
				RateLimitDecision contentDecision = instance.limiters().get("content").check("ip:203.0.113.9", 1);
				assertThat(chatDecision.isDistributed()).isFalse();
				chat += chatDecision.isAllowed() ? 1 : 0;
				content += contentDecision.isAllowed() ? 1 : 0;
			}
			instances.forEach((instance) -> instance.time().advance(STEP));
		}
		return new Admitted(chat, content);
	}

	private static List<Instance> start(RedisProcess redis, Function<InstanceHeartbeat, LiveInstances> counted) {
		List<Instance> instances = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			TestGuardedRedis guarded = new TestGuardedRedis(redis.endpoint(), Duration.ofMillis(200));
			InstanceHeartbeat heartbeat = new InstanceHeartbeat(guarded.redis(), "fair", Duration.ofSeconds(15),
					new MovableClock());
			ManualTimeMeter time = new ManualTimeMeter();
			RateLimiters limiters = new RateLimiters(List.of(CHAT, CONTENT),
					new RedisTokenBuckets(guarded.redis(), "fair"), time, 100, TiergateObservations.NONE,
					counted.apply(heartbeat), null);
			instances.add(new Instance(guarded, heartbeat, time, limiters));
		}
		return instances;
	}

	private record Admitted(long chat, long content) {
	}

	private record Instance(TestGuardedRedis redis, InstanceHeartbeat heartbeat, ManualTimeMeter time,
			RateLimiters limiters) {

		void close() {
			this.heartbeat.close();
			this.redis.close();
		}

	}

}
