package dev.tiergate.autoconfigure.cache;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.cache.Catalog.Product;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.warmup.CacheWarmer;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Warm-up in running applications on a Redis of their own: at startup, before the
 * application is ready, one instance of several, within its time, never stopping the
 * application, and again on its schedule.
 */
class CacheWarmupIntegrationTests {

	private static RedisProcess redis;

	private static RedisProbe probe;

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

	@BeforeEach
	void startClean() {
		probe.flushAll();
	}

	@Test
	void oneInstanceWarmsAndTheOtherServesTheWarmedEntriesFromL2WithoutCallingItsLoader() {
		try (ConfigurableApplicationContext first = start(HotProducts.class);
				ConfigurableApplicationContext second = start(HotProducts.class)) {
			assertThat(first.getBean(HotProducts.class).calls).hasValue(1);
			assertThat(second.getBean(HotProducts.class).calls).hasValue(0);
			assertThat(second.getBean(TieredCaches.class).get("products").getIfPresent(2L)).isNull();
			Catalog catalog = second.getBean(Catalog.class);
			assertThat(catalog.find(2)).isEqualTo(new Product(2, "Warmed 2", BigDecimal.ONE));
			assertThat(catalog.invocations("find")).isZero();
			assertThat(entries(first, "products", "loaded")).isEqualTo(3);
			assertThat(runs(first, "products", "completed")).isOne();
			assertThat(runs(second, "products", "skipped-lease")).isOne();
		}
	}

	@Test
	void theWarmersHaveRunWhenTheApplicationReportsItAcceptsTraffic() {
		AtomicInteger callsWhenReady = new AtomicInteger(-1);
		try (ConfigurableApplicationContext context = builder(HotProducts.class)
			.listeners((ApplicationListener<AvailabilityChangeEvent<?>>) (event) -> {
				if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
					callsWhenReady.set(((ConfigurableApplicationContext) event.getSource()).getBean(HotProducts.class)
						.calls
						.get());
				}
			})
			.run()) {
			assertThat(callsWhenReady).hasValue(1);
			assertThat(context.getBean(TieredCaches.class).get("products").getIfPresent(3L)).isNotNull();
		}
	}

	@Test
	void aWarmerBlockedPastTheTimeoutDoesNotHoldTheStartupBeyondIt() {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = start(BlockedWarmer.class, "tiergate.cache.warmup.timeout=1s")) {
			// Without the timeout the warmer would hold the startup for a minute.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(40));
			await().atMost(Duration.ofSeconds(20)).until(() -> runs(context, "products", "timed-out") == 1);
			assertThat(context.getBean(BlockedWarmer.class).interrupted.getCount()).isZero();
		}
	}

	@Test
	void aFailingWarmerNeverStopsTheApplicationAndIsCounted() {
		try (ConfigurableApplicationContext context = start(FailingWarmer.class)) {
			assertThat(context.isRunning()).isTrue();
			assertThat(runs(context, "products", "failed")).isOne();
			assertThat(entries(context, "products", "loaded")).isZero();
			assertThat(context.getBean(Catalog.class).find(1).name()).isEqualTo("Product 1");
		}
	}

	@Test
	void theCronRunsTheWarmersAgainAfterStartup() {
		try (ConfigurableApplicationContext context = start(HotProducts.class,
				"tiergate.cache.warmup.cron=* * * * * *")) {
			HotProducts warmer = context.getBean(HotProducts.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> runs(context, "products", "completed") >= 2);
			assertThat(warmer.calls.get()).isGreaterThanOrEqualTo(2);
		}
	}

	private static ConfigurableApplicationContext start(Class<?> warmers, String... properties) {
		return builder(warmers).properties(properties).run();
	}

	private static SpringApplicationBuilder builder(Class<?> warmers) {
		return new SpringApplicationBuilder(CacheTestApplication.class, warmers).web(WebApplicationType.NONE)
			.properties(CacheTestApplication.PROPERTIES)
			.properties(RedisTopology.standalone(redis.endpoint()).springPropertyArguments());
	}

	private static double entries(ConfigurableApplicationContext context, String cache, String result) {
		return context.getBean(MeterRegistry.class)
			.get("tiergate.cache.warmup.entries")
			.tag("cache", cache)
			.tag("result", result)
			.counter()
			.count();
	}

	private static long runs(ConfigurableApplicationContext context, String cache, String outcome) {
		Timer timer = context.getBean(MeterRegistry.class)
			.find("tiergate.cache.warmup.duration")
			.tag("cache", cache)
			.tag("outcome", outcome)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class HotProducts {

		final AtomicInteger calls = new AtomicInteger();

		@TieredCacheWarmer("products")
		Map<Long, Product> hotProducts() {
			this.calls.incrementAndGet();
			Map<Long, Product> products = new LinkedHashMap<>();
			for (long id = 1; id <= 3; id++) {
				products.put(id, new Product(id, "Warmed " + id, BigDecimal.ONE));
			}
			return products;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlockedWarmer {

		final CountDownLatch interrupted = new CountDownLatch(1);

		private final CountDownLatch neverOpened = new CountDownLatch(1);

		@Bean
		CacheWarmer blockedProducts() {
			return new CacheWarmer() {

				@Override
				public String cacheName() {
					return "products";
				}

				@Override
				public Class<?> valueType() {
					return Product.class;
				}

				@Override
				public Map<?, ?> entries() throws InterruptedException {
					try {
						BlockedWarmer.this.neverOpened.await(1, TimeUnit.MINUTES);
					}
					catch (InterruptedException ex) {
						BlockedWarmer.this.interrupted.countDown();
						throw ex;
					}
					return Map.of(1L, new Product(1, "Too late", BigDecimal.ONE));
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingWarmer {

		@TieredCacheWarmer("products")
		Map<Long, Product> products() {
			throw new IllegalStateException("the database is away");
		}

	}

}
