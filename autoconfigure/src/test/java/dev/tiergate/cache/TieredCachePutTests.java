package dev.tiergate.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests of defects found in review (2026-12-02): @TieredCachePut of a value that is not written to L2 (larger than
 * max-value-size, or not encodable). writeL2 returns true ("an unencodable value is no
 * Redis failure") without touching the previous L2 entry, put() then publishes, and every
 * other instance drops its L1 and reloads the PREVIOUS value from L2, for up to l2.ttl.
 */
class TieredCachePutTests {

	@Test
	void aPutOfAValueTooLargeForL2MustNotLeaveThePreviousValueInL2() throws Throwable {
		String namespace = "repro-" + UUID.randomUUID();
		RedisClient client = RedisClient.create(TestRedis.shared().uri());
		try (RedisConnector connector = new RedisConnector(client, Duration.ofSeconds(1), Duration.ofMillis(100));
				GuardedRedis guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()),
						BreakerSettings.DEFAULTS)) {
			connector.awaitConnection(Duration.ofSeconds(5));
			TieredCacheSettings settings = TieredCacheSettings.builder("documents")
				.l1MaxSize(1000)
				.l2TtlJitter(0)
				.maxValueBytes(1024)
				.build();
			TieredCache instanceA = TieredCache.builder(settings, namespace).l2(new LettuceL2Store(guarded)).build();
			TieredCache instanceB = TieredCache.builder(settings, namespace).l2(new LettuceL2Store(guarded)).build();
			String small = "draft";
			String large = "final ".repeat(500); // 3000 bytes: over max-value-size (1024)
			instanceA.put(1L, String.class, small);
			instanceA.put(1L, String.class, large); // @TieredCachePut save(document)
			// Instance B: L1 dropped by A's invalidation (simulated: B never held it).
			Object seenByB = instanceB.get(1L, String.class, () -> large, (v) -> true);
			System.out.println("put too large: instance B got '" + seenByB.toString().substring(0, Math.min(20,
					seenByB.toString().length())) + "'");
			assertThat(seenByB).isEqualTo(large);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
