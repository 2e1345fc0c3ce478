package dev.tiergate.ratelimit.interceptor;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitStatistics.Settlement;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.redis.RedisConcurrencyLeases;
import dev.tiergate.ratelimit.redis.RedisTokenBuckets;
import dev.tiergate.ratelimit.redis.TestGuardedRedis;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token budgets and concurrency leases of asynchronous methods ({@code CompletableFuture},
 * {@code Mono}, {@code Flux}) in the shared real Redis: the estimate reserved at the
 * subscription, settled from the completed value (the {@code Flux}'s list of elements)
 * without blocking, refunded on an error, kept on a cancellation; a lease held until the
 * result completes, fails or is cancelled, not merely until the method returns.
 */
class AsyncBudgetAndLeaseTests {

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private static final RateLimitTier BUDGET = new RateLimitTier("llm-tokens",
			List.of(new RateLimitTier.Limit(100, 1, Duration.ofHours(1))), OnRedisFailure.LOCAL);

	private static final RateLimitTier ONE_AT_A_TIME = new RateLimitTier("llm",
			List.of(new RateLimitTier.Limit(1000, 1000, Duration.ofSeconds(1))), OnRedisFailure.LOCAL,
			new RateLimitTier.Concurrency(1, Duration.ofMinutes(1)));

	private static TestGuardedRedis redis;

	private static RedisProbe probe;

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final String namespace = "rl-async-budget-" + UUID.randomUUID();

	private final RateLimiters limiters = new RateLimiters(List.of(BUDGET, ONE_AT_A_TIME),
			new RedisTokenBuckets(redis.redis(), this.namespace, this.time), this.time, 100, TiergateObservations.NONE,
			LiveInstances.ONE, new RedisConcurrencyLeases(redis.redis(), this.namespace, this.time));

	private final Llm llm = proxy();

	@BeforeAll
	static void connect() {
		redis = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(10));
		probe = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		redis.close();
		probe.close();
	}

	@Test
	void aMonoReservesItsEstimateAndSettlesTheDifferenceOnceItsValueIsKnown() {
		StepVerifier.create(this.llm.ask(40, 25)).expectNext(25L).expectComplete().verify(DEADLINE);
		awaitSettled(Settlement.REFUNDED, 15);
		StepVerifier.create(this.llm.ask(10, 30)).expectNext(30L).expectComplete().verify(DEADLINE);
		awaitSettled(Settlement.CHARGED, 20);
		assertThat(remaining()).as("40 taken, 15 given back, 10 taken, 20 more").isEqualTo(45);
	}

	/** As an LLM stream tells its usage in its last chunk. */
	@Test
	void aFluxIsSettledWhenItCompletesFromTheListOfItsElements() {
		StepVerifier.create(this.llm.stream(50, List.of(3L, 4L, 12L))).expectNext(3L, 4L, 12L).expectComplete()
			.verify(DEADLINE);
		awaitSettled(Settlement.REFUNDED, 38);
		assertThat(remaining()).isEqualTo(88);
	}

	@Test
	void aFutureIsSettledWhenItCompletes() {
		CompletableFuture<Long> later = new CompletableFuture<>();
		CompletableFuture<Long> call = this.llm.later(30, later);
		later.complete(60L);
		assertThat(call).succeedsWithin(DEADLINE).isEqualTo(60L);
		awaitSettled(Settlement.CHARGED, 30);
		assertThat(remaining()).isEqualTo(40);
	}

	@Test
	void anErrorRefundsTheReservationAndACancellationKeepsIt() {
		StepVerifier.create(this.llm.fail(30)).expectError(IllegalStateException.class).verify(DEADLINE);
		awaitSettled(Settlement.REFUNDED, 30);
		assertThat(remaining()).isEqualTo(100);
		Sinks.One<Long> never = Sinks.one();
		StepVerifier.create(this.llm.pending(20, never.asMono()))
			.then(() -> Awaitility.await().atMost(DEADLINE).until(() -> never.currentSubscriberCount() == 1))
			.thenCancel()
			.verify(DEADLINE);
		// A refund sent at the cancellation would reach Redis before this check, on the same connection.
		assertThat(remaining()).as("the estimate stands").isEqualTo(100 - 1 - 20);
		assertThat(settled(Settlement.REFUNDED)).isEqualTo(30);
	}

	@Test
	void aMonoHoldsItsLeaseUntilItCompletesNotUntilTheMethodReturns() {
		Sinks.One<String> answer = Sinks.one();
		Mono<String> first = this.llm.slowAnswer(answer.asMono());
		StepVerifier.Step<String> running = StepVerifier.create(first);
		CompletableFuture<Void> done = CompletableFuture.runAsync(() -> running.expectNext("first").expectComplete()
			.verify(DEADLINE));
		Awaitility.await().atMost(DEADLINE).until(() -> leasesHeld() == 1);
		StepVerifier.create(this.llm.slowAnswer(Mono.just("second")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(RateLimitExceededException.class)
				.satisfies((rejected) -> assertThat(((RateLimitExceededException) rejected).getDecision().tier().name())
					.isEqualTo("llm")))
			.verify(DEADLINE);
		answer.tryEmitValue("first");
		done.join();
		Awaitility.await().atMost(DEADLINE).until(() -> leasesHeld() == 0);
		StepVerifier.create(this.llm.slowAnswer(Mono.just("third"))).expectNext("third").expectComplete()
			.verify(DEADLINE);
	}

	@Test
	void aCancelledFluxAndAFailedFutureReleaseTheirLeases() {
		Sinks.Many<String> tokens = Sinks.many().unicast().onBackpressureBuffer();
		StepVerifier.create(this.llm.slowStream(tokens.asFlux()))
			.then(() -> tokens.tryEmitNext("a"))
			.expectNext("a")
			.then(() -> assertThat(leasesHeld()).isEqualTo(1))
			.thenCancel()
			.verify(DEADLINE);
		Awaitility.await().atMost(DEADLINE).until(() -> leasesHeld() == 0);
		CompletableFuture<String> failing = new CompletableFuture<>();
		CompletableFuture<String> call = this.llm.slowFuture(failing);
		Awaitility.await().atMost(DEADLINE).until(() -> leasesHeld() == 1);
		assertThat(this.llm.slowFuture(CompletableFuture.completedFuture("x")))
			.failsWithin(DEADLINE)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(RateLimitExceededException.class);
		failing.completeExceptionally(new IllegalStateException("the model is down"));
		assertThat(call).failsWithin(DEADLINE);
		Awaitility.await().atMost(DEADLINE).until(() -> leasesHeld() == 0);
	}

	private long leasesHeld() {
		String key = new RedisConcurrencyLeases(redis.redis(), this.namespace, this.time).keyText("llm", "global");
		return probe.commands().zcard(key);
	}

	private void awaitSettled(Settlement settlement, long tokens) {
		// The settlement is sent without waiting for its reply: it lands shortly after the value.
		Awaitility.await().atMost(DEADLINE).until(() -> settled(settlement) == tokens);
	}

	/** The tokens left before looking: looking takes one. */
	private long remaining() {
		return this.limiters.get("llm-tokens").check("global", 1).remaining() + 1;
	}

	private long settled(Settlement settlement) {
		return this.limiters.get("llm-tokens").statistics().settledTokens(settlement);
	}

	private Llm proxy() {
		RateLimitOperationSource source = new RateLimitOperationSource(() -> this.limiters,
				(name) -> ClientKeyResolver.GLOBAL, null);
		ProxyFactory factory = new ProxyFactory(new Llm());
		factory.setProxyTargetClass(true);
		factory.addAdvice(new RateLimitInterceptor(source, () -> RateLimitListener.NONE, null));
		return (Llm) factory.getProxy();
	}

	static class Llm {

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		Mono<Long> ask(long estimate, long used) {
			return Mono.just(used);
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate",
				actualCostExpression = "#result[#result.size() - 1]")
		Flux<Long> stream(long estimate, List<Long> usage) {
			return Flux.fromIterable(usage);
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		CompletableFuture<Long> later(long estimate, CompletableFuture<Long> result) {
			return result;
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		Mono<Long> fail(long estimate) {
			return Mono.error(new IllegalStateException("the model is down"));
		}

		@RateLimited(value = "llm-tokens", costExpression = "#estimate", actualCostExpression = "#result")
		Mono<Long> pending(long estimate, Mono<Long> result) {
			return result;
		}

		@RateLimited("llm")
		Mono<String> slowAnswer(Mono<String> answer) {
			return answer;
		}

		@RateLimited("llm")
		Flux<String> slowStream(Flux<String> tokens) {
			return tokens;
		}

		@RateLimited("llm")
		CompletableFuture<String> slowFuture(CompletableFuture<String> answer) {
			return answer;
		}

	}

}
