package dev.tiergate.autoconfigure.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of tiergate's own connection to Redis. Where Redis is and how to log in
 * come from {@code spring.data.redis.*}.
 */
@ConfigurationProperties("tiergate.redis")
public class TiergateRedisProperties {

	/**
	 * Longest time one Redis command of tiergate may take before the call goes on without
	 * Redis.
	 */
	private Duration timeout = Duration.ofMillis(100);

	/**
	 * Time to wait after a failed attempt to connect to Redis before the next attempt.
	 */
	private Duration connectRetryInterval = Duration.ofSeconds(1);

	/**
	 * Longest time the application start waits for the first connection to Redis; it
	 * starts without Redis if that passes.
	 */
	private Duration startupWait = Duration.ofSeconds(2);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getConnectRetryInterval() {
		return this.connectRetryInterval;
	}

	public void setConnectRetryInterval(Duration connectRetryInterval) {
		this.connectRetryInterval = connectRetryInterval;
	}

	public Duration getStartupWait() {
		return this.startupWait;
	}

	public void setStartupWait(Duration startupWait) {
		this.startupWait = startupWait;
	}

}
