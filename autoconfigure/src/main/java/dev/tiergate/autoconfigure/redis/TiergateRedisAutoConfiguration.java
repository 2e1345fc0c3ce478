package dev.tiergate.autoconfigure.redis;

import java.time.Clock;
import java.time.Duration;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisFallbackMetrics;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.redis.RedisUnavailableException;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
@EnableConfigurationProperties(TiergateRedisProperties.class)
public final class TiergateRedisAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	TiergateLettuceClient tiergateLettuceClient(LettuceConnectionFactory connectionFactory,
			TiergateRedisProperties properties) {
		checkPositive("tiergate.redis.timeout", properties.getTimeout());
		return new TiergateLettuceClient(connectionFactory, properties.getTimeout());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisConnector tiergateRedisConnector(TiergateLettuceClient client, TiergateRedisProperties properties) {
		checkPositive("tiergate.redis.connect-retry-interval", properties.getConnectRetryInterval());
		return new RedisConnector(client.client(), properties.getTimeout(), properties.getConnectRetryInterval());
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
		GuardedRedis redis = new GuardedRedis(connector, state, breakerSettings(properties.getCircuitBreaker()));
		RedisUnavailableException unreachable = connector.awaitConnection(properties.getStartupWait());
		if (unreachable != null) {
			// Start in fallback rather than discover the outage one timed-out request at a time.
			state.recordError(unreachable);
			redis.breaker().transitionToOpenState();
		}
		return redis;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisFallbackMetrics tiergateRedisFallbackMetrics(GuardedRedis redis) {
			return new RedisFallbackMetrics(redis);
		}

	}

	private static BreakerSettings breakerSettings(TiergateRedisProperties.CircuitBreaker breaker) {
		String prefix = "tiergate.redis.circuit-breaker.";
		checkPercentage(prefix + "failure-rate-threshold", breaker.getFailureRateThreshold());
		checkPercentage(prefix + "slow-call-rate-threshold", breaker.getSlowCallRateThreshold());
		checkPositive(prefix + "slow-call-duration-threshold", breaker.getSlowCallDurationThreshold());
		checkPositive(prefix + "wait-in-open-state", breaker.getWaitInOpenState());
		checkAtLeastOne(prefix + "sliding-window-size", breaker.getSlidingWindowSize());
		checkAtLeastOne(prefix + "minimum-number-of-calls", breaker.getMinimumNumberOfCalls());
		checkAtLeastOne(prefix + "permitted-calls-in-half-open-state", breaker.getPermittedCallsInHalfOpenState());
		return new BreakerSettings(breaker.getFailureRateThreshold(), breaker.getSlowCallRateThreshold(),
				breaker.getSlowCallDurationThreshold(), breaker.getSlidingWindowSize(),
				breaker.getMinimumNumberOfCalls(), breaker.getWaitInOpenState(),
				breaker.getPermittedCallsInHalfOpenState());
	}

	private static void checkPositive(String property, Duration value) {
		if (value.toMillis() <= 0) {
			throw invalid(property, "must be at least 1ms but was " + value);
		}
	}

	private static void checkPercentage(String property, float value) {
		if (value <= 0 || value > 100) {
			throw invalid(property, "must be a percentage above 0 and at most 100 but was " + value);
		}
	}

	private static void checkAtLeastOne(String property, int value) {
		if (value < 1) {
			throw invalid(property, "must be at least 1 but was " + value);
		}
	}

	private static TiergateConfigurationException invalid(String property, String problem) {
		return new TiergateConfigurationException("property '" + property + "'", problem,
				"Set " + property + " to a valid value (see docs/configuration.md).");
	}

}
