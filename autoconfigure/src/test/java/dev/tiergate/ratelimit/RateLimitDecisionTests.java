package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitDecisionTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	@Test
	void anAllowedDecisionHasNothingToWaitFor() {
		RateLimitDecision decision = RateLimitDecision.allowed(CHAT, Enforcement.DISTRIBUTED, 0, 4,
				Duration.ofSeconds(10).toNanos());
		assertThat(decision.outcome()).isEqualTo(Outcome.ALLOWED);
		assertThat(decision.isAllowed()).isTrue();
		assertThat(decision.enforcement()).isEqualTo(Enforcement.DISTRIBUTED);
		assertThat(decision.isDistributed()).isTrue();
		assertThat(decision.remaining()).isEqualTo(4);
		assertThat(decision.retryAfter()).isZero();
		assertThat(decision.retryAfterSeconds()).isZero();
	}

	@Test
	void aRejectedDecisionTellsAtLeastOneSecondToWait() {
		RateLimitDecision decision = RateLimitDecision.rejected(CHAT, Enforcement.LOCAL, 0, -1, 5, 1);
		assertThat(decision.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(decision.isAllowed()).isFalse();
		assertThat(decision.isDistributed()).isFalse();
		assertThat(decision.remaining()).isZero();
		assertThat(decision.retryAfter()).isEqualTo(Duration.ofNanos(1));
		assertThat(decision.retryAfterSeconds()).isEqualTo(1);
	}

	@Test
	void theTagsOfTheMetricsKeepTheirValues() {
		assertThat(Outcome.ALLOWED.tag()).isEqualTo("allowed");
		assertThat(Outcome.REJECTED.tag()).isEqualTo("rejected");
		assertThat(Enforcement.DISTRIBUTED.tag()).isEqualTo("distributed");
		assertThat(Enforcement.LOCAL.tag()).isEqualTo("local");
	}

}
