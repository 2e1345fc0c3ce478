package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;

import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The engine in this JVM, built with plain constructors: Bucket4j buckets, time moved by
 * hand.
 */
class RateLimitersTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static final RateLimitTier BURST_AND_HOUR = new RateLimitTier("api",
			List.of(new RateLimitTier.Limit(10, 10, Duration.ofSeconds(1)),
					new RateLimitTier.Limit(12, 12, Duration.ofHours(1))),
			OnRedisFailure.LOCAL);

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final RateLimiters limiters = new RateLimiters(List.of(CHAT, BURST_AND_HOUR), null, this.time, 1000);

	@Test
	void resetRefillsEveryBucketOfEveryTierKeptInThisJvm() {
		TierRateLimiter chat = this.limiters.get("chat");
		TierRateLimiter api = this.limiters.get("api");
		chat.check("ip:192.0.2.1", 5);
		api.check("ip:192.0.2.1", 10);
		assertThat(chat.check("ip:192.0.2.1", 1).isAllowed()).isFalse();
		assertThat(api.check("ip:192.0.2.1", 1).isAllowed()).isFalse();
		assertThat(this.limiters.reset()).as("no bucket in Redis without Redis").isZero();
		assertThat(chat.localBuckets()).isZero();
		assertThat(api.localBuckets()).isZero();
		assertThat(chat.check("ip:192.0.2.1", 5).remaining()).isZero();
		assertThat(api.check("ip:192.0.2.1", 10).isAllowed()).isTrue();
	}

	@Test
	void theChatDefaultsAdmitFiveThenOneEveryTenSeconds() {
		TierRateLimiter chat = this.limiters.get("chat");
		for (int i = 0; i < 5; i++) {
			RateLimitDecision decision = chat.check("ip:192.0.2.1", 1);
			assertThat(decision.isAllowed()).isTrue();
			assertThat(decision.remaining()).isEqualTo(4 - i);
		}
		RateLimitDecision rejected = chat.check("ip:192.0.2.1", 1);
		assertThat(rejected.isAllowed()).isFalse();
		assertThat(rejected.isDistributed()).isFalse();
		assertThat(rejected.capacity()).isEqualTo(5);
		assertThat(rejected.remaining()).isZero();
		assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(10));
		assertThat(rejected.retryAfterSeconds()).isEqualTo(10);
		assertThat(rejected.resetSeconds()).isEqualTo(50);
		assertThat(chat.check("ip:192.0.2.2", 1).isAllowed()).as("another client has its own bucket").isTrue();
		this.time.advance(Duration.ofSeconds(9));
		assertThat(chat.check("ip:192.0.2.1", 1).retryAfter()).isEqualTo(Duration.ofSeconds(1));
		this.time.advance(Duration.ofSeconds(1));
		assertThat(chat.check("ip:192.0.2.1", 1).isAllowed()).isTrue();
		assertThat(chat.check("ip:192.0.2.1", 1).isAllowed()).isFalse();
	}

	@Test
	void withSeveralLimitsTheDecisionDescribesTheOneClosestToExhaustion() {
		TierRateLimiter api = this.limiters.get("api");
		RateLimitDecision first = api.check("k", 1);
		assertThat(first.limitIndex()).isZero();
		assertThat(first.remaining()).isEqualTo(9);
		assertThat(api.check("k", 9).isAllowed()).isTrue();
		this.time.advance(Duration.ofSeconds(1));
		RateLimitDecision hourly = api.check("k", 1);
		assertThat(hourly.isAllowed()).isTrue();
		assertThat(hourly.limitIndex()).isEqualTo(1);
		assertThat(hourly.capacity()).isEqualTo(12);
		assertThat(hourly.remaining()).isEqualTo(1);
		RateLimitDecision rejected = api.check("k", 2);
		assertThat(rejected.isAllowed()).as("all or nothing: the burst limit has the tokens, the hourly not")
			.isFalse();
		assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(299));
		assertThat(api.check("k", 1).isAllowed()).isTrue();
	}

	@Test
	void aCostThatCouldNeverBeAllowedIsRefusedNotRejectedWithARetryAfterThatWouldLie() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiters.get("chat").check("k", 6))
			.withMessageContaining("at most 5 token(s)");
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiters.get("chat").check("k", 0));
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiters.get("chat").check("k", Long.MIN_VALUE));
		assertThat(this.limiters.get("chat").check("k", 5).isAllowed()).isTrue();
	}

	@Test
	void idleBucketsAreForgottenOnceTheyWouldBeFullAndTheMapIsBounded() {
		RateLimiters small = new RateLimiters(List.of(CHAT), null, this.time, 100);
		TierRateLimiter chat = small.get("chat");
		for (int i = 0; i < 1000; i++) {
			chat.check("client-" + i, 1);
		}
		assertThat(chat.localBuckets()).isLessThanOrEqualTo(100);
		this.time.advance(Duration.ofSeconds(52));
		assertThat(chat.localBuckets()).isZero();
	}

	@Test
	void withoutRedisTheLimitersAreNotDistributed() {
		assertThat(this.limiters.isDistributed()).isFalse();
		assertThat(this.limiters.find("missing")).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiters.get("missing"))
			.withMessageContaining("chat");
	}

	@Test
	void limitsThatCannotBeCountedExactlyAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitTier.Limit(1_000_000_000, 1, Duration.ofDays(1)))
			.withMessageContaining("53 bits");
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimitTier.Limit(0, 1, Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimitTier.Limit(1, 1, Duration.ZERO));
		assertThat(new RateLimitTier.Limit(10, 10, Duration.ofSeconds(1)).scale()).isEqualTo(100_000);
		assertThat(new RateLimitTier.Limit(10, 10, Duration.ofSeconds(1)).unitsPerMicro()).isEqualTo(1);
	}

	@Test
	void localBucketsRefuseATierTheyWereNotCreatedFor() {
		LocalTokenBuckets chat = new LocalTokenBuckets(CHAT, TimeMeter.SYSTEM_NANOTIME, 10);
		assertThat(chat.tryConsume(CHAT, "k", 1).isAllowed()).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> chat.tryConsume(BURST_AND_HOUR, "k", 1))
			.withMessageContaining("tier 'chat'");
	}

}
