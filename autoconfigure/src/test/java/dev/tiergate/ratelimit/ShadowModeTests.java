package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A tier in shadow mode, in this JVM: every check runs, and a refusal is allowed and
 * counted apart.
 */
class ShadowModeTests {

	private static final List<RateLimitTier.Limit> TWO_PER_MINUTE = List
		.of(new RateLimitTier.Limit(2, 2, Duration.ofMinutes(1)));

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final RateLimiters limiters = new RateLimiters(
			List.of(new RateLimitTier("tried", TWO_PER_MINUTE, OnRedisFailure.LOCAL, RateLimitTier.Mode.SHADOW,
					RateLimitTier.REQUESTS, null), new RateLimitTier("enforced", TWO_PER_MINUTE, OnRedisFailure.LOCAL),
					new RateLimitTier("tried-concurrency", TWO_PER_MINUTE, OnRedisFailure.LOCAL, RateLimitTier.Mode.SHADOW,
							RateLimitTier.REQUESTS, new RateLimitTier.Concurrency(1, Duration.ofMinutes(1)))),
			null, this.time, 1000);

	@Test
	void aShadowTierAllowsWhatItsBucketsRefuseAndCountsItShadowRejected() {
		TierRateLimiter tried = this.limiters.get("tried");
		assertThat(tried.check("k", 1).outcome()).isEqualTo(Outcome.ALLOWED);
		assertThat(tried.check("k", 1).outcome()).isEqualTo(Outcome.ALLOWED);
		RateLimitDecision wouldBeRefused = tried.check("k", 1);
		assertThat(wouldBeRefused.isAllowed()).isTrue();
		assertThat(wouldBeRefused.isShadowRejected()).isTrue();
		assertThat(wouldBeRefused.outcome().tag()).isEqualTo("shadow-rejected");
		assertThat(wouldBeRefused.remaining()).isZero();
		assertThat(wouldBeRefused.retryAfter()).as("how long it would have waited").isEqualTo(Duration.ofSeconds(30));
		assertThat(wouldBeRefused.retryAfterSeconds()).as("no Retry-After for a call that goes on").isZero();
		RateLimitStatistics statistics = tried.statistics();
		assertThat(statistics.allowed()).isEqualTo(2);
		assertThat(statistics.shadowRejected()).isEqualTo(1);
		assertThat(statistics.rejected()).isZero();
		assertThat(statistics.checks(Enforcement.LOCAL)).isEqualTo(3);
		this.time.advance(Duration.ofSeconds(30));
		assertThat(tried.check("k", 1).outcome()).as("a shadow refusal took no token").isEqualTo(Outcome.ALLOWED);
	}

	@Test
	void aShadowRefusalIsNotSettled() {
		TierRateLimiter tried = this.limiters.get("tried");
		tried.check("k", 2);
		RateLimitDecision wouldBeRefused = tried.check("k", 1);
		assertThat(tried.settle("k", wouldBeRefused, -1)).isTrue();
		assertThat(tried.check("k", 1).isShadowRejected()).as("no token given back for one never taken").isTrue();
	}

	@Test
	void theAsynchronousCheckOfAShadowTierAllowsWhatItsBucketsRefuse() {
		TierRateLimiter tried = this.limiters.get("tried");
		tried.check("k", 2);
		assertThat(tried.checkAsync("k", 1).toCompletableFuture().join().isShadowRejected()).isTrue();
		assertThat(tried.statistics().shadowRejected()).isEqualTo(1);
	}

	@Test
	void aShadowTierLetsACallBeyondItsConcurrencyLimitGoOnAndCountsIt() {
		TierRateLimiter tried = this.limiters.get("tried-concurrency");
		try (TierRateLimiter.Lease first = tried.acquire("k"); TierRateLimiter.Lease second = tried.acquire("k")) {
			assertThat(first.rejection()).isNull();
			assertThat(second.rejection()).as("one call in flight already, but only counted").isNull();
			assertThat(tried.statistics().shadowRejected()).isEqualTo(1);
			assertThat(tried.statistics().rejected()).isZero();
		}
	}

	@Test
	void anEnforcedTierStillRefuses() {
		TierRateLimiter enforced = this.limiters.get("enforced");
		enforced.check("k", 2);
		RateLimitDecision refused = enforced.check("k", 1);
		assertThat(refused.isAllowed()).isFalse();
		assertThat(refused.isShadowRejected()).isFalse();
		assertThat(enforced.statistics().rejected()).isEqualTo(1);
		assertThat(enforced.statistics().shadowRejected()).isZero();
	}

	@Test
	void aTierRefusesAUnitThatIsNoLowerCaseName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitTier("t", TWO_PER_MINUTE, OnRedisFailure.LOCAL, RateLimitTier.Mode.ENFORCE,
					"Bytes\"", null))
			.withMessageContaining("unit");
	}

}
