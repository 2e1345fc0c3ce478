package dev.tiergate.autoconfigure.outage;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.autoconfigure.cache.Catalog.Product;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application share one Redis: what one evicts or writes leaves the
 * other's L1, also when the message could not be delivered because Redis was down.
 */
class CrossInstanceInvalidationTests {

	private static RedisProcess redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoInstances() {
		redis = TestRedis.startPrivate();
		first = CacheTestApplication.start(redis.endpoint(), WebApplicationType.NONE);
		second = CacheTestApplication.start(redis.endpoint(), WebApplicationType.NONE);
	}

	@AfterAll
	static void stopThem() {
		second.close();
		first.close();
		redis.close();
	}

	@BeforeEach
	void startClean() {
		caches(first).all().forEach(TieredCache::clear);
		caches(second).clearL1();
		catalog(first).reset();
		catalog(second).reset();
		await().atMost(Duration.ofSeconds(5)).until(() -> !guarded(first).state().isFallback()
				&& !guarded(second).state().isFallback());
	}

	@Test
	void anEvictionInOneInstanceLeavesTheOthersL1WithinASecond() {
		catalog(first).find(1);
		assertThat(catalog(second).find(1)).isNotNull();
		assertThat(products(second).getIfPresent(1L)).isNotNull();
		catalog(first).delete(1);
		await().atMost(Duration.ofSeconds(1)).until(() -> products(second).getIfPresent(1L) == null);
		assertThat(second.getBean(MeterRegistry.class)
			.get("tiergate.cache.invalidations")
			.tag("cache", "products")
			.tag("direction", "received")
			.functionCounter()
			.count()).isPositive();
	}

	@Test
	void aPutInOneInstanceIsReadByTheOtherInsteadOfItsOldL1Entry() {
		catalog(second).find(2);
		catalog(first).save(new Product(2, "Renamed", BigDecimal.ONE));
		await().atMost(Duration.ofSeconds(1)).until(() -> products(second).getIfPresent(2L) == null);
		assertThat(catalog(second).find(2).name()).isEqualTo("Renamed");
		assertThat(catalog(second).invocations("find")).isEqualTo(1);
	}

	@Test
	void evictingAllEntriesInOneInstanceClearsTheOthersL1() {
		for (long id = 10; id < 20; id++) {
			catalog(second).find(id);
		}
		catalog(first).deleteAll();
		await().atMost(Duration.ofSeconds(1)).until(() -> products(second).l1Size() == 0);
	}

	@Test
	void anEvictionDuringAnOutageIsNotServedByTheOtherAfterRecovery() {
		catalog(first).find(3);
		catalog(second).find(3);
		redis.stop();
		await().atMost(Duration.ofSeconds(2)).until(() -> guarded(first).state().isFallback()
				&& guarded(second).state().isFallback());
		catalog(first).rename(3, "Changed during the outage");
		catalog(first).delete(3);
		assertThat(catalog(first).find(3).name()).isEqualTo("Changed during the outage");
		redis.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> !guarded(second).state().isFallback());
		assertThat(products(second).getIfPresent(3L)).isNull();
	}

	@Test
	void measuresTheInvalidationLag() {
		List<Long> lagMicros = new ArrayList<>();
		for (long id = 100; id < 150; id++) {
			catalog(second).find(id);
			long key = id;
			long start = System.nanoTime();
			catalog(first).delete(id);
			await().atMost(Duration.ofSeconds(1))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> products(second).getIfPresent(key) == null);
			lagMicros.add((System.nanoTime() - start) / 1000);
		}
		Collections.sort(lagMicros);
		System.out.printf("Invalidation lag over %d evictions: p50 %d us, p90 %d us, max %d us%n", lagMicros.size(),
				lagMicros.get(lagMicros.size() / 2), lagMicros.get(lagMicros.size() * 9 / 10),
				lagMicros.get(lagMicros.size() - 1));
		assertThat(lagMicros).hasSize(50).allSatisfy((lag) -> assertThat(lag).isLessThan(1_000_000L));
	}

	private static Catalog catalog(ConfigurableApplicationContext context) {
		return context.getBean(Catalog.class);
	}

	private static TieredCaches caches(ConfigurableApplicationContext context) {
		return context.getBean(TieredCaches.class);
	}

	private static TieredCache products(ConfigurableApplicationContext context) {
		return caches(context).get("products");
	}

	private static GuardedRedis guarded(ConfigurableApplicationContext context) {
		return context.getBean(GuardedRedis.class);
	}

}
