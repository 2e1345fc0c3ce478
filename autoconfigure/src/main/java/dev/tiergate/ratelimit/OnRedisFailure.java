package dev.tiergate.ratelimit;

/**
 * What a tier does with a call while Redis, where its buckets live, cannot be reached.
 */
public enum OnRedisFailure {

	/**
	 * Check the call against a bucket in this JVM: each instance enforces the limit on
	 * its own until Redis is back.
	 */
	LOCAL,

	/**
	 * Let every call through: availability over protection.
	 */
	ALLOW,

	/**
	 * Reject every call: protection over availability.
	 */
	DENY

}
