package dev.tiergate.autoconfigure.redis;

import java.time.Clock;

import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.redis.RedisUnavailableException;
import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of tiergate's connection to Redis: a Lettuce client of its own,
 * built from the application's (the same Redis, TLS and credentials) but with
 * tiergate's short timeout and fail-fast options, and the {@link GuardedRedis} circuit
 * breaker that every tiergate command goes through.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@Conditional(TiergateRedisAutoConfiguration.OnAnyFeatureEnabled.class)
@EnableConfigurationProperties(TiergateRedisProperties.class)
public final class TiergateRedisAutoConfiguration {

	/** Connects only for a feature that uses Redis: with caching and rate limiting both off, nothing does. */
	static final class OnAnyFeatureEnabled extends AnyNestedCondition {

		OnAnyFeatureEnabled() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBooleanProperty(name = "tiergate.cache.enabled", matchIfMissing = true)
		static final class CacheEnabled {

		}

		@ConditionalOnBooleanProperty(name = "tiergate.rate-limit.enabled", matchIfMissing = true)
		static final class RateLimitEnabled {

		}

	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	TiergateLettuceClient tiergateLettuceClient(LettuceConnectionFactory connectionFactory,
			TiergateRedisProperties properties) {
		return new TiergateLettuceClient(connectionFactory, RedisSettingsMapper.timeout(properties));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisConnector tiergateRedisConnector(TiergateLettuceClient client, TiergateRedisProperties properties) {
		return new RedisConnector(client.client(), RedisSettingsMapper.timeout(properties),
				RedisSettingsMapper.connectRetryInterval(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	RedisHealthState tiergateRedisHealthState() {
		return new RedisHealthState(Clock.systemUTC());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	GuardedRedis tiergateGuardedRedis(RedisConnector connector, RedisHealthState state,
			TiergateRedisProperties properties) {
		GuardedRedis redis = new GuardedRedis(connector, state,
				RedisSettingsMapper.breakerSettings(properties.getCircuitBreaker()));
		RedisUnavailableException unreachable = connector.awaitConnection(properties.getStartupWait());
		if (unreachable != null) {
			// Start in fallback rather than discover the outage one timed-out request at a time.
			state.recordError(unreachable);
			redis.breaker().transitionToOpenState();
		}
		return redis;
	}

}
