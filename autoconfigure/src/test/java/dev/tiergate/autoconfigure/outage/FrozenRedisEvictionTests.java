package dev.tiergate.autoconfigure.outage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances share a Redis that freezes ({@code SIGSTOP}: connections stay open, nothing
 * is answered) while one of them evicts entries the other holds in L1. The evictions are
 * kept and applied when Redis answers again: within 2 s of the thaw no instance serves an
 * evicted value and L2 holds none.
 */
class FrozenRedisEvictionTests {

	private static final List<Long> IDS = List.of(1L, 2L, 3L, 4L, 5L, 6L);

	private static RedisProcess redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoInstances() {
		redis = TestRedis.startPrivate();
		// The default timeout, so that the freeze opens the breaker as it would in production.
		first = CacheTestApplication.start(redis.endpoint(), WebApplicationType.NONE, "tiergate.redis.timeout=100ms");
		second = CacheTestApplication.start(redis.endpoint(), WebApplicationType.NONE,
				"tiergate.redis.timeout=100ms");
	}

	@AfterAll
	static void stopThem() {
		second.close();
		first.close();
		redis.close();
	}

	@Test
	void evictionsMadeWhileRedisIsFrozenAreServedByNoInstanceWithinTwoSecondsOfTheThaw() {
		List<String> redisKeys = new ArrayList<>();
		for (long id : IDS) {
			catalog(first).find(id);
			assertThat(catalog(second).find(id)).isNotNull();
			redisKeys.add(products(first).redisKey(id));
		}
		assertThat(redisKeys).allSatisfy((key) -> assertThat(redis.send("EXISTS", key)).isEqualTo(":1"));
		assertThat(IDS).allSatisfy((id) -> assertThat(products(second).getIfPresent(id)).isNotNull());

		long thawedAt;
		redis.freeze();
		try {
			for (long id : IDS) {
				catalog(first).rename(id, "Renamed while Redis was frozen");
				catalog(first).delete(id);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> guarded(first).state().isFallback());
			assertThat(products(first).pendingWrites()).as("evictions kept for Redis").isEqualTo(IDS.size());
			// This instance serves the new value at once: its own L1 entries are gone.
			assertThat(IDS).allSatisfy((id) -> assertThat(catalog(first).find(id).name())
				.isEqualTo("Renamed while Redis was frozen"));
		}
		finally {
			redis.thaw();
			thawedAt = System.nanoTime();
		}

		await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
			assertThat(redisKeys).allSatisfy((key) -> assertThat(redis.send("EXISTS", key)).isEqualTo(":0"));
			assertThat(IDS).allSatisfy((id) -> assertThat(products(second).getIfPresent(id)).isNull());
		});
		long appliedMillis = (System.nanoTime() - thawedAt) / 1_000_000;
		System.out.printf("Evictions made during a freeze: applied to L2 and every L1 %d ms after the thaw%n",
				appliedMillis);
		assertThat(products(first).pendingWrites()).isZero();
		// The other instance now asks its backend again instead of answering from a cache.
		int loadsBefore = catalog(second).invocations("find");
		IDS.forEach(catalog(second)::find);
		assertThat(catalog(second).invocations("find")).isEqualTo(loadsBefore + IDS.size());
	}

	private static Catalog catalog(ConfigurableApplicationContext context) {
		return context.getBean(Catalog.class);
	}

	private static TieredCache products(ConfigurableApplicationContext context) {
		return context.getBean(TieredCaches.class).get("products");
	}

	private static GuardedRedis guarded(ConfigurableApplicationContext context) {
		return context.getBean(GuardedRedis.class);
	}

}
