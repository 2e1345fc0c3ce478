package dev.tiergate.autoconfigure.cache;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.cache.Catalog.Product;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCacheOperations;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The programmatic API against a Redis of its own, whose command counts
 * ({@code INFO commandstats}) only these tests move.
 */
class TieredCacheOperationsTests {

	private static RedisProcess redis;

	private static RedisProbe probe;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
				TieredCacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + redisUri(), "spring.application.name=ops",
				"tiergate.redis.timeout=2s");

	@BeforeAll
	static void startRedis() {
		redis = TestRedis.startPrivate();
		probe = new RedisProbe(redis.endpoint());
	}

	@AfterAll
	static void stopRedis() {
		probe.close();
		redis.close();
	}

	private static String redisUri() {
		return redis.endpoint().uri();
	}

	@Test
	void putAllIsOnePipelinedWriteAndGetAllOfAHundredKeysOneMget() {
		this.contextRunner.run((context) -> {
			TieredCacheOperations operations = context.getBean(TieredCacheOperations.class);
			Map<Long, Product> products = new LinkedHashMap<>();
			for (long id = 1; id <= 100; id++) {
				products.put(id, new Product(id, "Product " + id, BigDecimal.valueOf(id)));
			}
			operations.putAll("bulk", products, Product.class);
			probe.resetStats();
			operations.putAll("bulk", products, Product.class);
			assertThat(probe.commandCount("psetex")).isEqualTo(100);
			assertThat(probe.commandCount("set") + probe.commandCount("mset")).isZero();
			context.getBean(TieredCaches.class).clearL1();
			probe.resetStats();
			List<Long> keys = new ArrayList<>(products.keySet());
			keys.add(1000L);
			Map<Object, Product> found = operations.getAll("bulk", keys, Product.class);
			assertThat(probe.commandCount("mget")).isOne();
			assertThat(probe.commandCount("get")).isZero();
			assertThat(found).hasSize(100).containsAllEntriesOf(products).doesNotContainKey(1000L);
			assertThat(found.keySet()).containsExactlyElementsOf(products.keySet());
			probe.resetStats();
			assertThat(operations.getAll("bulk", products.keySet(), Product.class)).hasSize(100);
			assertThat(probe.commandCount("mget")).isZero();
		});
	}

	@Test
	void getOrLoadLoadsOnceAndStoresInBothTiers() {
		this.contextRunner.run((context) -> {
			TieredCacheOperations operations = context.getBean(TieredCacheOperations.class);
			AtomicInteger loads = new AtomicInteger();
			Product loaded = operations.getOrLoad("loaded", 7L, Product.class, () -> {
				loads.incrementAndGet();
				return new Product(7, "Kettle", BigDecimal.TEN);
			});
			context.getBean(TieredCaches.class).clearL1();
			assertThat(operations.getOrLoad("loaded", 7L, Product.class, () -> {
				loads.incrementAndGet();
				return null;
			})).isEqualTo(loaded);
			assertThat(loads).hasValue(1);
			assertThat(probe.exists("ops:loaded:7")).isTrue();
		});
	}

	@Test
	void putGetEvictAndClearWorkOnBothTiers() {
		this.contextRunner.run((context) -> {
			TieredCacheOperations operations = context.getBean(TieredCacheOperations.class);
			TieredCaches caches = context.getBean(TieredCaches.class);
			Product kettle = new Product(8, "Kettle", BigDecimal.ONE);
			operations.put("single", 8L, kettle, Product.class);
			caches.clearL1();
			assertThat(operations.get("single", 8L, Product.class)).isEqualTo(kettle);
			operations.evict("single", 8L);
			assertThat(operations.get("single", 8L, Product.class)).isNull();
			assertThat(probe.exists("ops:single:8")).isFalse();
			operations.put("single", 9L, kettle, Product.class);
			operations.clear("single");
			caches.clearL1();
			assertThat(operations.get("single", 9L, Product.class)).isNull();
		});
	}

	@Test
	void aNullInPutAllEvictsItsKeyWhenTheCacheStoresNoNulls() {
		this.contextRunner.run((context) -> {
			TieredCacheOperations operations = context.getBean(TieredCacheOperations.class);
			operations.put("nulls", 1L, new Product(1, "Mug", BigDecimal.ONE), Product.class);
			Map<Long, Product> values = new LinkedHashMap<>();
			values.put(1L, null);
			operations.putAll("nulls", values, Product.class);
			assertThat(operations.get("nulls", 1L, Product.class)).isNull();
			assertThat(probe.exists("ops:nulls:1")).isFalse();
		});
	}

}
