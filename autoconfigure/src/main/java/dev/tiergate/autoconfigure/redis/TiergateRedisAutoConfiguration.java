package dev.tiergate.autoconfigure.redis;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.redis.RedisConnector;
import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of tiergate's {@link RedisConnector}: a connection of its own,
 * opened from the application's Lettuce client so that it reaches the same Redis with
 * the same TLS and credentials, but with tiergate's short timeout.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@EnableConfigurationProperties(TiergateRedisProperties.class)
public final class TiergateRedisAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisConnector tiergateRedisConnector(LettuceConnectionFactory connectionFactory,
			TiergateRedisProperties properties) {
		checkPositive("tiergate.redis.timeout", properties.getTimeout().toMillis());
		checkPositive("tiergate.redis.connect-retry-interval", properties.getConnectRetryInterval().toMillis());
		RedisConnector connector = new RedisConnector(connectionFactory.getRequiredNativeClient(),
				properties.getTimeout(), properties.getConnectRetryInterval());
		connector.awaitConnection(properties.getStartupWait());
		return connector;
	}

	private static void checkPositive(String property, long millis) {
		if (millis <= 0) {
			throw new TiergateConfigurationException("property '" + property + "'",
					"must be at least 1ms but was " + millis + "ms", "Set " + property + " to a positive duration.");
		}
	}

}
