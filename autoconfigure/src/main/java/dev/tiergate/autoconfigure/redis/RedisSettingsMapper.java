package dev.tiergate.autoconfigure.redis;

import java.time.Duration;
import java.util.Locale;

import dev.tiergate.InvalidSettingException;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Maps the {@code tiergate.redis.*} properties to the settings of the Redis guard, and an
 * invalid setting back to the property that holds it.
 */
final class RedisSettingsMapper {

	private static final String CIRCUIT_BREAKER = "tiergate.redis.circuit-breaker.";

	private RedisSettingsMapper() {
	}

	static Duration timeout(TiergateRedisProperties properties) {
		return atLeastOneMillisecond("tiergate.redis.timeout", properties.getTimeout());
	}

	static Duration connectRetryInterval(TiergateRedisProperties properties) {
		return atLeastOneMillisecond("tiergate.redis.connect-retry-interval", properties.getConnectRetryInterval());
	}

	static BreakerSettings breakerSettings(TiergateRedisProperties.CircuitBreaker breaker) {
		try {
			return BreakerSettings.builder()
				.failureRateThreshold(breaker.getFailureRateThreshold())
				.slowCallRateThreshold(breaker.getSlowCallRateThreshold())
				.slowCallDurationThreshold(breaker.getSlowCallDurationThreshold())
				.slidingWindowSize(breaker.getSlidingWindowSize())
				.minimumNumberOfCalls(breaker.getMinimumNumberOfCalls())
				.waitInOpenState(breaker.getWaitInOpenState())
				.permittedCallsInHalfOpenState(breaker.getPermittedCallsInHalfOpenState())
				.build();
		}
		catch (InvalidSettingException ex) {
			throw invalid(CIRCUIT_BREAKER + kebabCase(ex.getSetting()), ex.getValue(), ex.getProblem());
		}
	}

	/** The properties are named as the settings' components, in kebab case. */
	private static String kebabCase(String setting) {
		return setting.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private static Duration atLeastOneMillisecond(String property, Duration value) {
		if (value.toMillis() <= 0) {
			throw invalid(property, value, "must be at least 1ms but was " + value);
		}
		return value;
	}

	private static InvalidConfigurationPropertyValueException invalid(String property, Object value, String problem) {
		return new InvalidConfigurationPropertyValueException(property, value,
				"It " + problem + ". Set " + property + " to a valid value (see docs/configuration.md).");
	}

}
