package dev.tiergate.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asynchronous read-through when Redis is frozen ({@code SIGSTOP}): the caller's
 * thread is never held, and the loader answers once the timeout has passed.
 */
class TieredCacheAsyncOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	/** Room for a loaded machine on top of the timeout. */
	private static final Duration MARGIN = Duration.ofMillis(1500);

	@Test
	void aFrozenRedisCostsAnAsynchronousCallerNoBlockedThreadAndNoError() {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			RedisClient client = RedisClient.create(redis.endpoint().uri());
			RedisHealthState state = new RedisHealthState(Clock.systemUTC());
			try (RedisConnector connector = new RedisConnector(client, TIMEOUT, Duration.ofMillis(100));
					GuardedRedis guarded = new GuardedRedis(connector, state, BreakerSettings.DEFAULTS)) {
				connector.awaitConnection(Duration.ofSeconds(5));
				TieredCache cache = TieredCache
					.builder(TieredCacheSettings.builder("products").build(), "async-outage-" + UUID.randomUUID())
					.l2(new LettuceL2Store(guarded))
					.build();
				// Connected, and the generation is known: the next call's first command is the GET.
				cache.getAsync("warm", String.class, () -> CompletableFuture.completedFuture("w"), (v) -> true).join();
				redis.freeze();
				try {
					long start = System.nanoTime();
					CompletableFuture<Object> value = cache.getAsync(42L, String.class,
							() -> CompletableFuture.completedFuture("from the method"), (v) -> true);
					long returnedAfter = System.nanoTime() - start;
					assertThat(Duration.ofNanos(returnedAfter)).as("the caller's thread is not held")
						.isLessThan(TIMEOUT.dividedBy(2));
					assertThat(value).succeedsWithin(TIMEOUT.plus(MARGIN)).isEqualTo("from the method");
					assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
						.isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 20);
					assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.REDIS)).isPositive();
					assertThat(cache.getIfPresent(42L)).as("kept in L1").isNotNull();
				}
				finally {
					redis.thaw();
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			}
		}
	}

}
