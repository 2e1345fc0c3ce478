package dev.tiergate.autoconfigure.redis;

import java.time.Duration;

import dev.tiergate.redis.GuardedRedis.BreakerSettings;

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

	/**
	 * Circuit breaker around every Redis command of tiergate.
	 */
	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

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

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * When tiergate stops sending commands to Redis, and when it tries again.
	 */
	public static class CircuitBreaker {

		/**
		 * Percentage of failed commands among the recent ones that opens the breaker.
		 */
		private float failureRateThreshold = BreakerSettings.DEFAULT_FAILURE_RATE_THRESHOLD;

		/**
		 * Percentage of slow commands among the recent ones that opens the breaker.
		 */
		private float slowCallRateThreshold = BreakerSettings.DEFAULT_SLOW_CALL_RATE_THRESHOLD;

		/**
		 * Time after which a command counts as slow.
		 */
		private Duration slowCallDurationThreshold = BreakerSettings.DEFAULT_SLOW_CALL_DURATION_THRESHOLD;

		/**
		 * Number of recent commands over which the rates are computed.
		 */
		private int slidingWindowSize = BreakerSettings.DEFAULT_SLIDING_WINDOW_SIZE;

		/**
		 * Number of commands needed before the rates are considered.
		 */
		private int minimumNumberOfCalls = BreakerSettings.DEFAULT_MINIMUM_NUMBER_OF_CALLS;

		/**
		 * Time the breaker stays open before probing Redis again.
		 */
		private Duration waitInOpenState = BreakerSettings.DEFAULT_WAIT_IN_OPEN_STATE;

		/**
		 * Number of probe commands that decide whether the breaker closes again.
		 */
		private int permittedCallsInHalfOpenState = BreakerSettings.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;

		public float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public float getSlowCallRateThreshold() {
			return this.slowCallRateThreshold;
		}

		public void setSlowCallRateThreshold(float slowCallRateThreshold) {
			this.slowCallRateThreshold = slowCallRateThreshold;
		}

		public Duration getSlowCallDurationThreshold() {
			return this.slowCallDurationThreshold;
		}

		public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
			this.slowCallDurationThreshold = slowCallDurationThreshold;
		}

		public int getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public int getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public Duration getWaitInOpenState() {
			return this.waitInOpenState;
		}

		public void setWaitInOpenState(Duration waitInOpenState) {
			this.waitInOpenState = waitInOpenState;
		}

		public int getPermittedCallsInHalfOpenState() {
			return this.permittedCallsInHalfOpenState;
		}

		public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
			this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
		}

	}

}
