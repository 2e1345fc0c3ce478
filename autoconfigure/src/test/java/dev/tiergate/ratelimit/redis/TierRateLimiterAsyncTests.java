package dev.tiergate.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link TierRateLimiter#checkAsync} on the shared real Redis: the same buckets, cost
 * checks and statistics as {@link TierRateLimiter#check}, without the caller waiting.
 */
class TierRateLimiterAsyncTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(3, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static TestGuardedRedis redis;

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final RateLimiters limiters = new RateLimiters(List.of(CHAT),
			new RedisTokenBuckets(redis.redis(), "rl-async-" + UUID.randomUUID(), this.time), this.time, 100);

	@BeforeAll
	static void connect() {
		redis = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(10));
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void asynchronousChecksTakeFromTheSameRedisBucketsAsSynchronousOnes() throws Exception {
		TierRateLimiter chat = this.limiters.get("chat");
		assertThat(chat.check("k", 1).remaining()).isEqualTo(2);
		RateLimitDecision second = decided(chat.checkAsync("k", 1));
		assertThat(second.isAllowed()).isTrue();
		assertThat(second.isDistributed()).isTrue();
		assertThat(second.remaining()).isEqualTo(1);
		assertThat(decided(chat.checkAsync("k", 1)).isAllowed()).isTrue();
		RateLimitDecision rejected = decided(chat.checkAsync("k", 1));
		assertThat(rejected.isAllowed()).isFalse();
		assertThat(rejected.retryAfterSeconds()).isEqualTo(10);
		assertThat(chat.check("k", 1).isAllowed()).isFalse();
		assertThat(decided(chat.checkAsync("other", 1)).isAllowed()).as("another client, another bucket").isTrue();
		this.time.advance(Duration.ofSeconds(10));
		assertThat(decided(chat.checkAsync("k", 1)).isAllowed()).as("one token refilled").isTrue();
	}

	@Test
	void asynchronousChecksAreCountedInTheStatistics() throws Exception {
		TierRateLimiter chat = this.limiters.get("chat");
		for (int i = 0; i < 5; i++) {
			decided(chat.checkAsync("counted", 1));
		}
		assertThat(chat.statistics().allowed()).isEqualTo(3);
		assertThat(chat.statistics().rejected()).isEqualTo(2);
		assertThat(chat.statistics().checks(RateLimitDecision.Enforcement.DISTRIBUTED)).isEqualTo(5);
	}

	@Test
	void aCostOutOfRangeIsRefusedAtOnceAndTakesNothing() throws Exception {
		TierRateLimiter chat = this.limiters.get("chat");
		assertThatIllegalArgumentException().isThrownBy(() -> chat.checkAsync("k", 0));
		assertThatIllegalArgumentException().isThrownBy(() -> chat.checkAsync("k", 4))
			.withMessageContaining("at most 3");
		assertThat(decided(chat.checkAsync("k", 3)).isAllowed()).isTrue();
	}

	@Test
	void withoutRedisTheDecisionIsCompleteWhenTheCallReturns() {
		RateLimiters local = new RateLimiters(List.of(CHAT), null, this.time, 100);
		CompletableFuture<RateLimitDecision> decision = local.get("chat").checkAsync("k", 1).toCompletableFuture();
		assertThat(decision).isCompleted();
		assertThat(decision.join().isDistributed()).isFalse();
	}

	private static RateLimitDecision decided(CompletionStage<RateLimitDecision> stage)
			throws Exception {
		return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
	}

}
