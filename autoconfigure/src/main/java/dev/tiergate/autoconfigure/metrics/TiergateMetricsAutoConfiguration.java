package dev.tiergate.autoconfigure.metrics;

import dev.tiergate.autoconfigure.cache.CacheWarmupAutoConfiguration;
import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.CacheMetrics;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.warmup.CacheWarmup;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.redis.GuardedRedis;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of tiergate's meters: the Redis fallback and circuit breaker, the
 * rate-limit checks, the caches and their warm-up, published to the application's {@link MeterRegistry}.
 * Ordered after Boot's metrics auto-configuration, whose registry the publishers bind to,
 * and after the features they publish.
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" },
		after = { TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class,
				CacheWarmupAutoConfiguration.class, RateLimitAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
public final class TiergateMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(GuardedRedis.class)
	static class RedisMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisFallbackMetrics tiergateRedisFallbackMetrics(GuardedRedis redis) {
			return new RedisFallbackMetrics(redis);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(TieredCaches.class)
	static class CacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CacheMetrics.Factory tieredCacheMetricsFactory(ObjectProvider<MeterRegistry> registry) {
			// Resolved per cache, when caches are created after startup, so the registry is ready.
			return (cacheName, statistics) -> {
				MeterRegistry meterRegistry = registry.getIfUnique();
				return (meterRegistry != null) ? new MicrometerCacheMetrics(meterRegistry, cacheName, statistics)
						: CacheMetrics.NONE;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(CacheWarmup.class)
	static class CacheWarmupMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CacheWarmup.Listener tieredCacheWarmupMetrics(ObjectProvider<MeterRegistry> registry) {
			return new MicrometerWarmupMetrics(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RateLimiters.class)
	static class RateLimitMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerRateLimitMetrics rateLimitMetrics(RateLimiters rateLimiters) {
			return new MicrometerRateLimitMetrics(rateLimiters);
		}

	}

}
