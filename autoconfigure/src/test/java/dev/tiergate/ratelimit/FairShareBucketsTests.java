package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One instance's share of a tier's limits during an outage, and the local buckets that
 * hold it.
 */
class FairShareBucketsTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private final ManualTimeMeter time = new ManualTimeMeter();

	@Test
	void theCapacityShareIsRoundedDownToAtLeastOneToken() {
		assertThat(share(new RateLimitTier.Limit(10, 1, Duration.ofSeconds(1)), 3).capacity()).isEqualTo(3);
		assertThat(share(new RateLimitTier.Limit(9, 1, Duration.ofSeconds(1)), 3).capacity()).isEqualTo(3);
		assertThat(share(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10)), 3).capacity()).isEqualTo(1);
		assertThat(share(new RateLimitTier.Limit(2, 1, Duration.ofSeconds(10)), 3).capacity()).isEqualTo(1);
	}

	@Test
	void theRefillShareIsExactTheSameTokensOverNTimesThePeriodReduced() {
		RateLimitTier.Limit nine = share(new RateLimitTier.Limit(100, 9, Duration.ofSeconds(1)), 3);
		assertThat(nine.refillTokens()).isEqualTo(3);
		assertThat(nine.refillPeriod()).isEqualTo(Duration.ofSeconds(1));
		RateLimitTier.Limit ten = share(new RateLimitTier.Limit(100, 10, Duration.ofSeconds(1)), 3);
		assertThat(ten.refillTokens()).isEqualTo(10);
		assertThat(ten.refillPeriod()).isEqualTo(Duration.ofSeconds(3));
		RateLimitTier.Limit six = share(new RateLimitTier.Limit(100, 6, Duration.ofSeconds(1)), 4);
		assertThat(six.refillTokens()).isEqualTo(3);
		assertThat(six.refillPeriod()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void everyLimitOfATierIsSharedAndOneInstanceKeepsTheTierItself() {
		RateLimitTier api = new RateLimitTier("api", List.of(new RateLimitTier.Limit(10, 10, Duration.ofSeconds(1)),
				new RateLimitTier.Limit(1000, 1000, Duration.ofHours(1))), OnRedisFailure.LOCAL);
		RateLimitTier shared = FairShareBuckets.share(api, 2);
		assertThat(shared.name()).isEqualTo("api");
		assertThat(shared.limits()).containsExactly(new RateLimitTier.Limit(5, 5, Duration.ofSeconds(1)),
				new RateLimitTier.Limit(500, 500, Duration.ofHours(1)));
		assertThat(FairShareBuckets.share(api, 1)).isSameAs(api);
	}

	@Test
	void aShareNoLimitCanHoldKeepsTheWholeLimit() {
		RateLimitTier.Limit yearly = new RateLimitTier.Limit(10, 1, Duration.ofDays(365));
		assertThat(share(yearly, 1000)).as("a period of 1000 years is beyond a long of nanoseconds")
			.isSameAs(yearly);
	}

	@Test
	void withThreeInstancesTheBucketsHoldAThirdOfTheLimit() {
		RateLimitTier content = new RateLimitTier("content",
				List.of(new RateLimitTier.Limit(30, 3, Duration.ofSeconds(1))), OnRedisFailure.LOCAL);
		FairShareBuckets buckets = buckets(content, () -> 3);
		assertThat(admitted(buckets, content, 100)).isEqualTo(10);
		RateLimitDecision rejected = buckets.tryConsume(content, "k", 1);
		assertThat(rejected.capacity()).as("the headers tell this instance's share").isEqualTo(10);
		assertThat(rejected.retryAfter()).as("1 token per second over three instances").isEqualTo(Duration.ofSeconds(1));
		this.time.advance(Duration.ofSeconds(10));
		assertThat(admitted(buckets, content, 100)).as("a third of 30 tokens in 10 s").isEqualTo(10);
	}

	@Test
	void withOneInstanceTheBucketsAreTheWholeLocalBucketsAsWithoutRedis() {
		LocalTokenBuckets whole = new LocalTokenBuckets(CHAT, this.time, 100);
		FairShareBuckets buckets = new FairShareBuckets(CHAT, whole, LiveInstances.ONE);
		assertThat(admitted(buckets, CHAT, 10)).isEqualTo(5);
		assertThat(whole.size()).isOne();
		assertThat(buckets.size()).isZero();
	}

	@Test
	void aNewCountStartsNewShareBuckets() {
		AtomicInteger instances = new AtomicInteger(2);
		RateLimitTier content = new RateLimitTier("content",
				List.of(new RateLimitTier.Limit(12, 1, Duration.ofSeconds(1))), OnRedisFailure.LOCAL);
		FairShareBuckets buckets = buckets(content, instances::get);
		assertThat(admitted(buckets, content, 100)).isEqualTo(6);
		instances.set(4);
		assertThat(admitted(buckets, content, 100)).isEqualTo(3);
		assertThat(buckets.size()).isOne();
		assertThat(buckets.deleteAll()).isOne();
		assertThat(admitted(buckets, content, 100)).isEqualTo(3);
	}

	private FairShareBuckets buckets(RateLimitTier tier, LiveInstances instances) {
		return new FairShareBuckets(tier, new LocalTokenBuckets(tier, this.time, 100), instances);
	}

	private static int admitted(FairShareBuckets buckets, RateLimitTier tier, int attempts) {
		int admitted = 0;
		for (int i = 0; i < attempts; i++) {
			if (buckets.tryConsume(tier, "k", 1).isAllowed()) {
				admitted++;
			}
		}
		return admitted;
	}

	private static RateLimitTier.Limit share(RateLimitTier.Limit limit, int instances) {
		return FairShareBuckets.share(limit, instances);
	}

}
