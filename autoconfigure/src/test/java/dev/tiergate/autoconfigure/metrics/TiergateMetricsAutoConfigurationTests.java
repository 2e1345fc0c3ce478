package dev.tiergate.autoconfigure.metrics;

import java.time.Duration;

import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.CacheMetrics;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.TestRedis;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TiergateMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				AopAutoConfiguration.class, DataRedisAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
				TieredCacheAutoConfiguration.class, RateLimitAutoConfiguration.class,
				TiergateMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri(),
				"tiergate.rate-limit.tiers.chat.capacity=5", "tiergate.rate-limit.tiers.chat.refill-tokens=1",
				"tiergate.rate-limit.tiers.chat.refill-period=10s");

	@Test
	void everyFeaturePublishesToTheApplicationsRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RedisFallbackMetrics.class)
				.hasSingleBean(MicrometerRateLimitMetrics.class)
				.hasSingleBean(CacheMetrics.Factory.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(TieredCaches.class).get("products");
			assertThat(registry.find("tiergate.redis.fallback.active").gauge()).isNotNull();
			assertThat(registry.find("tiergate.ratelimit.checks").tag("tier", "chat").functionCounters()).hasSize(4);
			assertThat(registry.find("tiergate.cache.gets").tag("cache", "products").functionCounters()).hasSize(4);
		});
	}

	@Test
	void l1IsPublishedThroughCaffeineCacheMetrics() {
		this.contextRunner.withPropertyValues("tiergate.cache.caches.tiny.l1.max-size=1").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			TieredCache tiny = context.getBean(TieredCaches.class).get("tiny");
			for (int i = 0; i < 3; i++) {
				int value = i;
				tiny.get(i, Integer.class, () -> value, (result) -> true);
			}
			tiny.get(2, Integer.class, () -> 2, (result) -> true);
			Gauge size = registry.find("cache.size").tag("cache", "tiny").tag("cache.manager", "tiergate").gauge();
			assertThat(size).isNotNull();
			// Caffeine evicts in its maintenance, which runs after the writes.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(size.value()).isEqualTo(1);
				assertThat(registry.find("cache.evictions").tag("cache", "tiny").functionCounter().count())
					.isEqualTo(2);
			});
			assertThat(registry.find("cache.gets").tag("cache", "tiny").tag("result", "hit").functionCounter().count())
				.isEqualTo(tiny.statistics().l1Hits());
		});
	}

	@Test
	void whenMicrometerIsMissingThenNothingIsPublished() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class,
					RateLimitAutoConfiguration.class, TiergateMetricsAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri())
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisFallbackMetrics.class)
				.doesNotHaveBean(MicrometerRateLimitMetrics.class)
				.doesNotHaveBean(CacheMetrics.Factory.class));
	}

	@Test
	void withoutRedisTheCachesAndRateLimitsArePublishedButNotTheFallback() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
					TieredCacheAutoConfiguration.class, RateLimitAutoConfiguration.class,
					TiergateMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisFallbackMetrics.class)
				.hasSingleBean(MicrometerRateLimitMetrics.class)
				.hasSingleBean(CacheMetrics.Factory.class));
	}

}
