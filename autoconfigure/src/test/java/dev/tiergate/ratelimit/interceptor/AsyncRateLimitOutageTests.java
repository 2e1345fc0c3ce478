package dev.tiergate.ratelimit.interceptor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.redis.RedisTokenBuckets;
import dev.tiergate.ratelimit.redis.TestGuardedRedis;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that is killed or frozen under {@code @RateLimited} methods returning
 * {@code Mono} and {@code CompletableFuture}: callers get the tier's fallback decision,
 * no error, within a deadline a few times the Redis timeout (never a timing assertion).
 */
class AsyncRateLimitOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	/** Far beyond the timeout, far below Lettuce's own 60 s command timeout. */
	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(100, 1, Duration.ofSeconds(1))), OnRedisFailure.LOCAL);

	@Test
	void aKilledOrFrozenRedisCostsReactiveAndFutureCallersNoErrorAndNoWaitBeyondTheTimeout() throws Exception {
		try (RedisProcess redis = TestRedis.startPrivate();
				TestGuardedRedis guarded = new TestGuardedRedis(redis.endpoint(), TIMEOUT)) {
			RateLimiters limiters = new RateLimiters(List.of(CHAT), new RedisTokenBuckets(guarded.redis(), "outage"),
					TimeMeter.SYSTEM_NANOTIME, 100);
			Chat chat = proxy(limiters);
			StepVerifier.create(chat.answer()).expectNext("answer").expectComplete().verify(DEADLINE);
			assertThat(limiters.get("chat").statistics().checks(
					Enforcement.DISTRIBUTED)).isOne();
			redis.freeze();
			StepVerifier.create(chat.answer()).expectNext("answer").expectComplete().verify(DEADLINE);
			assertThat(chat.future()).succeedsWithin(DEADLINE).isEqualTo("future");
			redis.thaw();
			redis.stop();
			for (int i = 0; i < 5; i++) {
				StepVerifier.create(chat.answer()).expectNext("answer").expectComplete().verify(DEADLINE);
				assertThat(chat.future()).succeedsWithin(DEADLINE).isEqualTo("future");
			}
			assertThat(limiters.get("chat").statistics().checks(
					Enforcement.LOCAL)).isEqualTo(12);
		}
	}

	private static Chat proxy(RateLimiters limiters) {
		RateLimitOperationSource source = new RateLimitOperationSource(() -> limiters,
				(name) -> ClientKeyResolver.GLOBAL, null);
		ProxyFactory factory = new ProxyFactory(new Chat());
		factory.setProxyTargetClass(true);
		factory.addAdvice(new RateLimitInterceptor(source, () -> RateLimitListener.NONE, null));
		return (Chat) factory.getProxy();
	}

	static class Chat {

		@RateLimited("chat")
		Mono<String> answer() {
			return Mono.just("answer");
		}

		@RateLimited("chat")
		CompletableFuture<String> future() {
			return CompletableFuture.completedFuture("future");
		}

	}

}
