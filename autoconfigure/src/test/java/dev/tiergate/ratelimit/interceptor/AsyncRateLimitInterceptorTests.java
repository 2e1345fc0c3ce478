package dev.tiergate.ratelimit.interceptor;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.redis.RedisTokenBuckets;
import dev.tiergate.ratelimit.redis.TestGuardedRedis;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.ContextView;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimited} on methods returning {@code Mono}, {@code Flux} and
 * {@code CompletableFuture}, with buckets in the shared real Redis: checked without
 * blocking when subscribed (again at each subscription) or called, rejected with
 * {@link RateLimitExceededException} as an error signal or a failed future, the method's
 * work never started when rejected, and never run on Redis' reply thread.
 */
class AsyncRateLimitInterceptorTests {

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(2, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private static TestGuardedRedis redis;

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final RateLimiters limiters = new RateLimiters(List.of(CHAT),
			new RedisTokenBuckets(redis.redis(), "rl-async-" + UUID.randomUUID(), this.time), this.time, 100);

	/** The client of a subscription, as its Reactor context says: unknown at the call, as in WebFlux. */
	private final ClientKeyResolver fromContext = () -> {
		ContextView context = SubscriberContext.current();
		return (context != null) ? context.getOrDefault("client", "anonymous") : null;
	};

	private final Queue<RateLimitDecision> decisions = new ConcurrentLinkedQueue<>();

	private final Chat target = new Chat();

	private final Chat chat = proxy();

	@BeforeAll
	static void connect() {
		redis = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(10));
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void aMonoIsCheckedAtEachSubscriptionAndARejectedOneIsNeverSubscribed() {
		Mono<String> answer = this.chat.answer();
		assertThat(this.decisions).as("nothing is checked before subscription").isEmpty();
		StepVerifier.create(answer).expectNext("answer").expectComplete().verify(DEADLINE);
		StepVerifier.create(answer).expectNext("answer").expectComplete().verify(DEADLINE);
		StepVerifier.create(answer).expectError(RateLimitExceededException.class).verify(DEADLINE);
		assertThat(this.target.subscriptions).hasValue(2);
		assertThat(this.decisions).extracting(RateLimitDecision::isAllowed).containsExactly(true, true, false);
		assertThat(this.decisions).allMatch(RateLimitDecision::isDistributed);
	}

	@Test
	void aFluxIsCheckedOncePerSubscriptionNotPerElement() {
		StepVerifier.create(this.chat.tokens()).expectNext("a", "b", "c").expectComplete().verify(DEADLINE);
		StepVerifier.create(this.chat.tokens()).expectNext("a", "b", "c").expectComplete().verify(DEADLINE);
		StepVerifier.create(this.chat.tokens())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(RateLimitExceededException.class)
				.satisfies((rejected) -> assertThat(((RateLimitExceededException) rejected).getRetryAfter())
					.isEqualTo(Duration.ofSeconds(10))))
			.verify(DEADLINE);
		assertThat(this.target.subscriptions).hasValue(2);
	}

	@Test
	void theSubscribersReactorContextNamesTheClient() {
		for (int i = 0; i < 2; i++) {
			StepVerifier.create(this.chat.answer().contextWrite((context) -> context.put("client", "alice")))
				.expectNext("answer")
				.expectComplete()
				.verify(DEADLINE);
		}
		StepVerifier.create(this.chat.answer().contextWrite((context) -> context.put("client", "alice")))
			.expectError(RateLimitExceededException.class)
			.verify(DEADLINE);
		StepVerifier.create(this.chat.answer().contextWrite((context) -> context.put("client", "bob")))
			.expectNext("answer")
			.expectComplete()
			.verify(DEADLINE);
	}

	@Test
	void aRejectedFutureFailsWithoutTheMethodBeingInvoked() throws Exception {
		assertThat(this.chat.future().get(5, TimeUnit.SECONDS)).isEqualTo("future");
		assertThat(this.chat.stage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("stage");
		CompletableFuture<String> rejected = this.chat.future();
		assertThat(rejected).failsWithin(DEADLINE)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(RateLimitExceededException.class);
		assertThat(this.target.invocations).hasValue(2);
	}

	@Test
	void userCodeNeverRunsOnTheThreadThatReceivedRedisReply() throws Exception {
		StepVerifier.create(this.chat.answer()).expectNext("answer").expectComplete().verify(DEADLINE);
		this.chat.future().get(5, TimeUnit.SECONDS);
		assertThat(this.target.threads).hasSize(2).noneMatch((name) -> name.startsWith("lettuce-"));
	}

	private Chat proxy() {
		RateLimitOperationSource source = new RateLimitOperationSource(() -> this.limiters,
				(name) -> this.fromContext, null);
		ProxyFactory factory = new ProxyFactory(this.target);
		factory.setProxyTargetClass(true);
		factory.addAdvice(new RateLimitInterceptor(source, () -> this.decisions::add, null));
		return (Chat) factory.getProxy();
	}

	static class Chat {

		final AtomicInteger subscriptions = new AtomicInteger();

		final AtomicInteger invocations = new AtomicInteger();

		final Queue<String> threads = new ConcurrentLinkedQueue<>();

		@RateLimited("chat")
		Mono<String> answer() {
			return Mono.fromCallable(() -> {
				this.subscriptions.incrementAndGet();
				this.threads.add(Thread.currentThread().getName());
				return "answer";
			});
		}

		@RateLimited("chat")
		Flux<String> tokens() {
			return Flux.just("a", "b", "c").doOnSubscribe((subscription) -> this.subscriptions.incrementAndGet());
		}

		@RateLimited("chat")
		CompletableFuture<String> future() {
			this.invocations.incrementAndGet();
			this.threads.add(Thread.currentThread().getName());
			return CompletableFuture.completedFuture("future");
		}

		@RateLimited("chat")
		CompletionStage<String> stage() {
			this.invocations.incrementAndGet();
			return CompletableFuture.completedFuture("stage");
		}

	}

}
