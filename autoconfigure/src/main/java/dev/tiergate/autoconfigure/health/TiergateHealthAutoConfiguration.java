package dev.tiergate.autoconfigure.health;

import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.redis.GuardedRedis;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tiergate} health component.
 */
@AutoConfiguration(after = { TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class },
		afterName = "dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(GuardedRedis.class)
@ConditionalOnEnabledHealthIndicator("tiergate")
public final class TiergateHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "tiergateHealthIndicator")
	TiergateHealthIndicator tiergateHealthIndicator(GuardedRedis redis, ObjectProvider<RateLimiters> rateLimiters,
			ObjectProvider<RedisCacheInvalidations> invalidations) {
		RateLimiters limiters = rateLimiters.getIfAvailable();
		RedisCacheInvalidations subscription = invalidations.getIfAvailable();
		return new TiergateHealthIndicator(redis, (limiters != null) ? limiters::isDistributed : null,
				(subscription != null) ? subscription::subscription : null);
	}

}
