package dev.tiergate.ratelimit.interceptor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitStatistics.Settlement;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for token budgets in {@link RateLimitInterceptor}: {@code actualCostExpression}
 * and {@code refundOnError}, with buckets in this JVM (the Redis side is in
 * {@code TokenBudgetTests}).
 */
class TokenBudgetInterceptorTests {

	private static final RateLimitTier BUDGET = new RateLimitTier("llm-tokens",
			List.of(new RateLimitTier.Limit(100, 1, Duration.ofHours(1))), OnRedisFailure.LOCAL);

	private final RateLimiters limiters = new RateLimiters(List.of(BUDGET), null, new ManualTimeMeter(), 1000);

	private final RateLimitOperationSource source = new RateLimitOperationSource(() -> this.limiters,
			(name) -> ClientKeyResolver.GLOBAL, null);

	private final Llm llm = proxy(new Llm());

	@Test
	void theEstimateIsTakenBeforeTheCallAndTheDifferenceSettledAfterIt() {
		this.llm.ask(40, 25);
		assertThat(remaining()).as("40 taken, 15 given back").isEqualTo(75);
		this.llm.ask(10, 30);
		assertThat(remaining()).as("1 taken by looking, 10 before the call, 20 more after").isEqualTo(44);
		assertThat(statistics(Settlement.REFUNDED)).isEqualTo(15);
		assertThat(statistics(Settlement.CHARGED)).isEqualTo(20);
	}

	@Test
	void aCallThatThrowsGetsItsReservationBack() {
		assertThatIllegalStateException().isThrownBy(() -> this.llm.fail(30));
		assertThat(remaining()).isEqualTo(100);
		assertThat(statistics(Settlement.REFUNDED)).isEqualTo(30);
	}

	@Test
	void aCallThatThrowsKeepsItsReservationWhenRefundOnErrorIsOff() {
		assertThatIllegalStateException().isThrownBy(() -> this.llm.failWithoutRefund(30));
		assertThat(remaining()).isEqualTo(70);
		assertThat(statistics(Settlement.REFUNDED)).isZero();
	}

	@Test
	void withoutAnActualCostExpressionAFailedCallCostsWhatASuccessfulOneDoes() {
		assertThatIllegalStateException().isThrownBy(() -> this.llm.plainFail(30));
		assertThat(remaining()).isEqualTo(70);
	}

	@Test
	void anActualCostThatCannotBeComputedNeverFailsTheFinishedCallAndIsCounted() {
		assertThat(this.llm.answerWithoutUsage(20)).isEqualTo("answer");
		assertThat(this.llm.negativeUsage(20)).isEqualTo(-5);
		assertThat(remaining()).as("the estimates stand").isEqualTo(60);
		assertThat(this.limiters.get("llm-tokens").statistics().failedSettlements()).isEqualTo(2);
	}

	@Test
	void anActualCostBeyondTheCapacityOverdrawsTheBucketWithoutFailingTheCall() {
		assertThat(this.llm.ask(10, 1000)).isEqualTo(1000);
		assertThat(this.limiters.get("llm-tokens").check("global", 1).isAllowed()).isFalse();
	}

	@Test
	void anActualCostExpressionThatDoesNotParseFailsAtStartupNamingTheMethod() throws Exception {
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> this.source.validate(Broken.class.getMethod("ask"), Broken.class))
			.withMessageContaining("Broken.ask()")
			.withMessageContaining("actualCostExpression");
	}

	@Test
	void anActualCostExpressionOnAResultWhoseEndCannotBeFollowedFailsAtStartupNamingTheMethod() throws Exception {
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> this.source.validate(Broken.class.getMethod("later"), Broken.class))
			.withMessageContaining("Broken.later()")
			.withMessageContaining("LaterResult")
			.withMessageContaining("actualCostExpression");
		this.source.validate(Llm.class.getMethod("ask", long.class, long.class), Llm.class);
	}

	private long remaining() {
		return this.limiters.get("llm-tokens").check("global", 1).remaining() + 1;
	}

	private long statistics(Settlement settlement) {
		return this.limiters.get("llm-tokens").statistics().settledTokens(settlement);
	}

	private Llm proxy(Llm target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvice(new RateLimitInterceptor(this.source, () -> RateLimitListener.NONE, null));
		return (Llm) factory.getProxy();
	}

	static class Llm {

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		public long ask(long estimate, long used) {
			return used;
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		public long fail(long estimate) {
			throw new IllegalStateException("the model is down");
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result",
				refundOnError = false)
		public long failWithoutRefund(long estimate) {
			throw new IllegalStateException("the model is down");
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate")
		public long plainFail(long estimate) {
			throw new IllegalStateException("the model is down");
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result.usage")
		public String answerWithoutUsage(long estimate) {
			return "answer";
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		public long negativeUsage(long estimate) {
			return -5;
		}

	}

	/** A future tiergate does not know: it could not tell when it completes. */
	static class LaterResult extends CompletableFuture<Long> {

	}

	static class Broken {

		@RateLimited(value = "llm-tokens", actualCostExpression = "#result.(")
		public long ask() {
			return 1;
		}

		@RateLimited(value = "llm-tokens", actualCostExpression = "#result")
		public LaterResult later() {
			return new LaterResult();
		}

	}

}
