package dev.tiergate.autoconfigure.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.CacheStatistics;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reactive and asynchronous cached methods while Redis is frozen ({@code SIGSTOP}: the
 * connection stays open, nothing is answered): the subscribing thread is not held, and
 * the method's value arrives within the timeout and a margin, without an error.
 */
class TieredCacheableReactiveOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	/** Room for a loaded machine on top of the timeout. */
	private static final Duration MARGIN = Duration.ofMillis(1500);

	@Test
	void aFrozenRedisCostsReactiveCallersNoErrorAndNoThreadHeldBeyondTheTimeout() {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
						TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.url=" + redis.endpoint().uri(),
						"tiergate.redis.timeout=" + TIMEOUT.toMillis() + "ms")
				.withBean(Answers.class)
				.run((context) -> {
					await().atMost(Duration.ofSeconds(15))
						.until(() -> !context.getBean(RedisHealthState.class).isFallback());
					Answers answers = context.getBean(Answers.class);
					// Connected, and each cache's generation known: the next read's first command is its GET.
					answers.mono("warm").block(Duration.ofSeconds(5));
					answers.flux("warm").collectList().block(Duration.ofSeconds(5));
					answers.future("warm").get();
					redis.freeze();
					try {
						long start = System.nanoTime();
						CompletableFuture<String> mono = answers.mono("q").toFuture();
						CompletableFuture<List<String>> flux = answers.flux("q").collectList().toFuture();
						CompletableFuture<String> future = answers.future("q");
						CompletableFuture<Void> forgotten = answers.forget("warm").toFuture();
						assertThat(Duration.ofNanos(System.nanoTime() - start))
							.as("subscribing and calling held the thread for")
							.isLessThan(TIMEOUT.dividedBy(2));
						assertThat(mono).succeedsWithin(TIMEOUT.plus(MARGIN)).isEqualTo("answer to q");
						assertThat(flux).succeedsWithin(TIMEOUT.plus(MARGIN))
							.isEqualTo(List.of("answer", "to", "q"));
						assertThat(future).succeedsWithin(TIMEOUT.plus(MARGIN)).isEqualTo("later q");
						assertThat(forgotten).succeedsWithin(TIMEOUT.plus(MARGIN));
						assertThat(context.getBean(TieredCaches.class).get("answers").getIfPresent("warm")).isNull();
						assertThat(context.getBean(TieredCaches.class).get("answers").statistics()
							.errors(CacheStatistics.ErrorKind.REDIS)).isPositive();
					}
					finally {
						redis.thaw();
					}
				});
		}
	}

	public static class Answers {

		private final AtomicInteger invocations = new AtomicInteger();

		@TieredCacheable("answers")
		public Mono<String> mono(String prompt) {
			this.invocations.incrementAndGet();
			return Mono.just("answer to " + prompt);
		}

		@TieredCacheable("streams")
		public Flux<String> flux(String prompt) {
			return Flux.just("answer", "to", prompt);
		}

		@TieredCacheEvict(value = "answers", beforeInvocation = true)
		public Mono<Void> forget(String prompt) {
			return Mono.empty();
		}

		@TieredCacheable("futures")
		public CompletableFuture<String> future(String prompt) {
			return CompletableFuture.completedFuture("later " + prompt);
		}

	}

}
