package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.observation.TiergateObservations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans and live changes of a tier in this JVM: the resolver's plan picks the limits and
 * the bucket, and a changed main limit keeps each bucket's fill level as a share.
 */
class RateLimitPlansTests {

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static final Map<String, Map<String, List<RateLimitTier.Limit>>> PLANS = Map.of("chat",
			Map.of("pro", List.of(new RateLimitTier.Limit(50, 10, Duration.ofSeconds(10)))));

	private final ManualTimeMeter time = new ManualTimeMeter();

	@Test
	void theResolversPlanGetsThePlansLimitsAndABucketApartFromTheTiersOwn() {
		TierRateLimiter chat = limiters((tier, client) -> client.startsWith("user:pro") ? "pro" : null).get("chat");
		for (int i = 0; i < 5; i++) {
			chat.check("user:basic", 1);
		}
		assertThat(chat.check("user:basic", 1).isAllowed()).isFalse();
		RateLimitDecision pro = chat.check("user:pro-1", 1);
		assertThat(pro.isAllowed()).isTrue();
		assertThat(pro.capacity()).as("the plan's limit, for the headers").isEqualTo(50);
		assertThat(pro.remaining()).isEqualTo(49);
		assertThat(pro.tier().name()).isEqualTo("chat:pro");
		assertThat(chat.localBuckets()).isEqualTo(2);
		assertThat(chat.statistics().allowed()).as("one tier's statistics, plans included").isEqualTo(6);
	}

	@Test
	void theSameClientUnderAnotherPlanHasAnotherBucket() {
		AtomicInteger calls = new AtomicInteger();
		TierRateLimiter chat = limiters((tier, client) -> (calls.getAndIncrement() < 5) ? null : "pro").get("chat");
		for (int i = 0; i < 5; i++) {
			assertThat(chat.check("user:alice", 1).isAllowed()).isTrue();
		}
		RateLimitDecision upgraded = chat.check("user:alice", 1);
		assertThat(upgraded.isAllowed()).as("alice upgraded: the pro bucket is full").isTrue();
		assertThat(upgraded.remaining()).isEqualTo(49);
	}

	@Test
	void aNullOrUnknownPlanGetsTheTiersOwnLimits() {
		TierRateLimiter unknown = limiters((tier, client) -> "gold").get("chat");
		assertThat(unknown.check("user:x", 1).capacity()).isEqualTo(5);
		assertThat(unknown.check("user:x", 1).tier().name()).isEqualTo("chat");
		TierRateLimiter none = limiters(PlanResolver.NONE).get("chat");
		assertThat(none.check("user:x", 1).capacity()).isEqualTo(5);
	}

	@Test
	void theSmallestCapacityCountsThePlans() {
		RateLimiters limiters = new RateLimiters(List.of(CHAT),
				Map.of("chat", Map.of("trial", List.of(new RateLimitTier.Limit(2, 1, Duration.ofSeconds(1))))),
				PlanResolver.NONE, null, this.time, 100, TiergateObservations.NONE, LiveInstances.ONE,
				null);
		assertThat(limiters.get("chat").smallestCapacity()).isEqualTo(2);
		assertThat(limiters.get("chat").tier().smallestCapacity()).isEqualTo(5);
	}

	@Test
	void aChangedMainLimitKeepsEachBucketsFillLevelAsAShareAndARevertRestoresIt() {
		TierRateLimiter chat = limiters(PlanResolver.NONE).get("chat");
		for (int i = 0; i < 3; i++) {
			chat.check("user:alice", 1);
		}
		// 2 of 5 left: 40%. Of a capacity of 50, that is 20, of which this call takes 1.
		chat.changeMainLimit(new RateLimitTier.Limit(50, 10, Duration.ofSeconds(10)));
		assertThat(chat.isChanged()).isTrue();
		RateLimitDecision changed = chat.check("user:alice", 1);
		assertThat(changed.capacity()).isEqualTo(50);
		assertThat(changed.remaining()).isEqualTo(19);
		assertThat(chat.check("user:bob", 1).remaining()).as("a new bucket is full at the new capacity")
			.isEqualTo(49);
		chat.changeMainLimit(null);
		assertThat(chat.isChanged()).isFalse();
		assertThat(chat.tier()).isSameAs(chat.configuredTier());
		RateLimitDecision reverted = chat.check("user:alice", 1);
		assertThat(reverted.capacity()).isEqualTo(5);
		// 19 of 50 is 38%: 1.9 of 5, one whole token, which this call takes.
		assertThat(reverted.remaining()).isZero();
		assertThat(chat.check("user:alice", 1).isAllowed()).isFalse();
	}

	private RateLimiters limiters(PlanResolver resolver) {
		return new RateLimiters(List.of(CHAT), PLANS, resolver, null, this.time, 100,
				TiergateObservations.NONE, LiveInstances.ONE, null);
	}

}
