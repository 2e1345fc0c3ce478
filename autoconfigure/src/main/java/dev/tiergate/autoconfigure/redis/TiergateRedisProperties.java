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
		private float failureRateThreshold = 50;

		/**
		 * Percentage of slow commands among the recent ones that opens the breaker.
		 */
		private float slowCallRateThreshold = 80;

		/**
		 * Time after which a command counts as slow.
		 */
		private Duration slowCallDurationThreshold = Duration.ofMillis(50);

		/**
		 * Number of recent commands over which the rates are computed.
		 */
		private int slidingWindowSize = 20;

		/**
		 * Number of commands needed before the rates are considered.
		 */
		private int minimumNumberOfCalls = 5;

		/**
		 * Time the breaker stays open before probing Redis again.
		 */
		private Duration waitInOpenState = Duration.ofSeconds(1);

		/**
		 * Number of probe commands that decide whether the breaker closes again.
		 */
		private int permittedCallsInHalfOpenState = 3;

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
