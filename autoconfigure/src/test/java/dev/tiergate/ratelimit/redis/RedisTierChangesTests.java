package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.PlanResolver;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans and changed limits on a real Redis: a plan's buckets have keys of their own, and
 * a changed main limit keeps a bucket's tokens as a share of the new capacity, whether
 * its rate changed or only its capacity.
 */
class RedisTierChangesTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(10, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static TestGuardedRedis shared;

	private static RedisProbe probe;

	private final String namespace = "rl-changes-" + UUID.randomUUID();

	private final ManualTimeMeter time = new ManualTimeMeter();

	@BeforeAll
	static void connect() {
		shared = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2));
		probe = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		shared.close();
		probe.close();
	}

	@Test
	void aPlansBucketsAreKeyedByTierPlanAndHashedClient() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), this.namespace, this.time);
		TierRateLimiter chat = limiters(buckets, (tier, client) -> "pro").get("chat");
		RateLimitDecision decision = chat.check("user:alice", 1);
		assertThat(decision.isDistributed()).isTrue();
		assertThat(decision.capacity()).isEqualTo(100);
		String key = buckets.key("chat:pro", "user:alice");
		assertThat(key).startsWith("{" + this.namespace + ":rl:chat:pro:").doesNotContain("alice");
		assertThat(probe.exists(key)).isTrue();
		assertThat(probe.exists(buckets.key("chat", "user:alice"))).isFalse();
	}

	@Test
	void aLargerCapacityAtTheSameRateKeepsTheShareOfTokens() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), this.namespace, this.time);
		TierRateLimiter chat = limiters(buckets, PlanResolver.NONE).get("chat");
		take(chat, 6);
		chat.changeMainLimit(new RateLimitTier.Limit(20, 1, Duration.ofSeconds(10)));
		// 4 of 10 is 40%: 8 of 20, of which this call takes one.
		assertThat(chat.check("user:alice", 1).remaining()).isEqualTo(7);
	}

	@Test
	void anotherRateKeepsTheShareOfTokensAndDropsTheFieldOfTheOldRate() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), this.namespace, this.time);
		TierRateLimiter chat = limiters(buckets, PlanResolver.NONE).get("chat");
		take(chat, 5);
		chat.changeMainLimit(new RateLimitTier.Limit(100, 10, Duration.ofSeconds(1)));
		RateLimitDecision changed = chat.check("user:alice", 1);
		assertThat(changed.capacity()).isEqualTo(100);
		assertThat(changed.remaining()).as("half full stays half full").isEqualTo(49);
		String value = new String(probe.get(buckets.key("chat", "user:alice")), StandardCharsets.US_ASCII);
		assertThat(value.split(":")).as("one field: the old rate's was carried over").hasSize(2);
		chat.changeMainLimit(null);
		// 49 of 100: 4.9 of 10.
		assertThat(chat.check("user:alice", 1).remaining()).isEqualTo(3);
	}

	@Test
	void twoInstancesThatChangedAlikeShareTheBuckets() {
		RedisTokenBuckets first = new RedisTokenBuckets(shared.redis(), this.namespace, this.time);
		RedisTokenBuckets second = new RedisTokenBuckets(shared.redis(), this.namespace, this.time);
		TierRateLimiter one = limiters(first, PlanResolver.NONE).get("chat");
		TierRateLimiter other = limiters(second, PlanResolver.NONE).get("chat");
		take(one, 5);
		RateLimitTier.Limit larger = new RateLimitTier.Limit(30, 1, Duration.ofSeconds(10));
		one.changeMainLimit(larger);
		other.changeMainLimit(larger);
		// 5 of 10: 15 of 30.
		assertThat(one.check("user:alice", 1).remaining()).isEqualTo(14);
		assertThat(other.check("user:alice", 1).remaining()).isEqualTo(13);
	}

	private static void take(TierRateLimiter limiter, int calls) {
		for (int i = 0; i < calls; i++) {
			assertThat(limiter.check("user:alice", 1).isAllowed()).isTrue();
		}
	}

	private RateLimiters limiters(RedisTokenBuckets buckets, PlanResolver resolver) {
		return new RateLimiters(List.of(CHAT),
				Map.of("chat", Map.of("pro", List.of(new RateLimitTier.Limit(100, 10, Duration.ofSeconds(1))))),
				resolver, buckets, this.time, 100, TiergateObservations.NONE, LiveInstances.ONE, null);
	}

}
