package dev.tiergate.autoconfigure.actuate;

import dev.tiergate.actuate.TiergateEndpoint;
import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.redis.RedisTierOverrides;
import dev.tiergate.redis.GuardedRedis;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tiergate} actuator endpoint. Like every endpoint it is
 * reachable over HTTP only once exposed ({@code management.endpoints.web.exposure.include});
 * its delete operations must be secured.
 */
@AutoConfiguration(after = { TieredCacheAutoConfiguration.class, RateLimitAutoConfiguration.class })
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnAvailableEndpoint(TiergateEndpoint.class)
public final class TiergateEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TiergateEndpoint tiergateEndpoint(ObjectProvider<TieredCaches> caches, ObjectProvider<GuardedRedis> redis,
			ObjectProvider<RateLimiters> rateLimiters, ObjectProvider<RedisCacheInvalidations> invalidations,
			ObjectProvider<RedisTierOverrides> tierOverrides) {
		return new TiergateEndpoint(caches.getIfAvailable(), redis.getIfAvailable(), rateLimiters.getIfAvailable(),
				invalidations.getIfAvailable(), tierOverrides.getIfAvailable());
	}

}
