package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live changes of a tier's limit across instances sharing a real Redis: each instance has
 * its own connection, buckets and subscription, as separate JVMs would.
 */
class RedisTierOverridesTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static final RateLimitTier.Limit LARGER = new RateLimitTier.Limit(10, 1, Duration.ofSeconds(10));

	private final String namespace = "rl-overrides-" + UUID.randomUUID();

	private final List<Instance> instances = new ArrayList<>();

	@AfterEach
	void stop() {
		this.instances.forEach(Instance::close);
	}

	@Test
	void aChangeAndARevertReachTheOtherInstance() {
		Instance one = start();
		Instance other = start();
		awaitSubscribed(other);
		one.overrides.change("chat", LARGER);
		assertThat(one.chat().tier().limits().get(0)).isEqualTo(LARGER);
		await().atMost(Duration.ofSeconds(10)).until(() -> other.chat().isChanged());
		assertThat(other.chat().tier().limits().get(0)).isEqualTo(LARGER);
		assertThat(other.chat().check("user:alice", 1).capacity()).isEqualTo(10);
		one.overrides.revert("chat");
		assertThat(one.chat().isChanged()).isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> !other.chat().isChanged());
		assertThat(other.chat().check("user:alice", 1).capacity()).isEqualTo(5);
	}

	@Test
	void anInstanceStartedLaterAppliesTheStoredChange() {
		start().overrides.change("chat", LARGER);
		Instance later = start();
		assertThat(later.chat().isChanged()).isTrue();
		assertThat(later.chat().tier().limits().get(0)).isEqualTo(LARGER);
		assertThat(later.chat().configuredTier()).isEqualTo(CHAT);
	}

	@Test
	void aStoredValueThatIsNoLimitIsIgnored() {
		try (RedisProbe probe = new RedisProbe(TestRedis.shared())) {
			probe.commands()
				.hset(this.namespace + ":rl-overrides", "chat",
						"{\"@class\":\"java.lang.Runtime\"}".getBytes(StandardCharsets.UTF_8));
		}
		Instance instance = start();
		assertThat(instance.chat().isChanged()).isFalse();
	}

	private static void awaitSubscribed(Instance instance) {
		// A message sent before the subscription is confirmed is not heard (a started instance
		// reads the stored changes instead).
		await().atMost(Duration.ofSeconds(10)).until(instance.overrides::isSubscribed);
	}

	private Instance start() {
		Instance instance = new Instance(this.namespace);
		this.instances.add(instance);
		return instance;
	}

	private static final class Instance implements AutoCloseable {

		private final TestGuardedRedis redis = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2));

		private final RateLimiters limiters;

		private final RedisTierOverrides overrides;

		Instance(String namespace) {
			ManualTimeMeter time = new ManualTimeMeter();
			this.limiters = new RateLimiters(List.of(CHAT), new RedisTokenBuckets(this.redis.redis(), namespace, time),
					time, 100);
			this.overrides = new RedisTierOverrides(this.redis.redis(), namespace, this.limiters);
			this.overrides.start();
		}

		TierRateLimiter chat() {
			return this.limiters.get("chat");
		}

		@Override
		public void close() {
			this.overrides.close();
			this.redis.close();
		}

	}

}
