package dev.tiergate.ratelimit.redis;

import java.time.Clock;
import java.time.Duration;

import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisEndpoint;
import io.lettuce.core.RedisClient;

/**
 * A {@link GuardedRedis} built by hand, as the auto-configuration would, for engine tests
 * against a real Redis.
 */
public final class TestGuardedRedis implements AutoCloseable {

	private final RedisClient client;

	private final RedisConnector connector;

	private final GuardedRedis redis;

	public TestGuardedRedis(RedisEndpoint endpoint, Duration timeout) {
		this(endpoint, timeout, GuardedRedis.BreakerSettings.DEFAULTS);
	}

	public TestGuardedRedis(RedisEndpoint endpoint, Duration timeout, GuardedRedis.BreakerSettings breaker) {
		this.client = RedisClient.create(endpoint.uri());
		this.connector = new RedisConnector(this.client, timeout, Duration.ofMillis(100));
		this.redis = new GuardedRedis(this.connector, new RedisHealthState(Clock.systemUTC()), breaker);
		this.connector.awaitConnection(Duration.ofSeconds(5));
	}

	public GuardedRedis redis() {
		return this.redis;
	}

	@Override
	public void close() {
		this.redis.close();
		this.connector.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

}
