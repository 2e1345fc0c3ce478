package dev.tiergate.autoconfigure.cache.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring's {@code @Cacheable} on {@code CompletableFuture} and {@code Mono} methods, on
 * tiergate's {@code CacheManager}, while Redis is frozen ({@code SIGSTOP}): the cache's
 * {@code retrieve} reads L2 without holding the calling thread, and the method answers
 * once the timeout has passed.
 */
class SpringCacheRetrieveOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	/** Room for a loaded machine on top of the timeout. */
	private static final Duration MARGIN = Duration.ofMillis(1500);

	@Test
	void aFrozenRedisHoldsNoCallerOfAnAsynchronousCacheableMethod() {
		try (RedisProcess redis = TestRedis.startPrivate();
				ConfigurableApplicationContext context = SpringCacheTestApplication.start(
						RedisTopology.standalone(redis.endpoint()), "tiergate.redis.timeout=" + TIMEOUT.toMillis() + "ms")) {
			await().atMost(Duration.ofSeconds(15)).until(() -> !context.getBean(RedisHealthState.class).isFallback());
			Reviews reviews = context.getBean(Reviews.class);
			// Connected, and each cache's generation known: the next read's first command is its GET.
			reviews.summaryLater(1).join();
			reviews.summaryMono(1).block(Duration.ofSeconds(5));
			redis.freeze();
			try {
				long start = System.nanoTime();
				CompletableFuture<Reviews.Summary> later = reviews.summaryLater(2);
				CompletableFuture<Reviews.Summary> mono = reviews.summaryMono(2).toFuture();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the calls held the thread for")
					.isLessThan(TIMEOUT.dividedBy(2));
				assertThat(later).succeedsWithin(TIMEOUT.plus(MARGIN)).extracting(Reviews.Summary::productId).isEqualTo(2L);
				assertThat(mono).succeedsWithin(TIMEOUT.plus(MARGIN)).extracting(Reviews.Summary::productId).isEqualTo(2L);
			}
			finally {
				redis.thaw();
			}
		}
	}

}
