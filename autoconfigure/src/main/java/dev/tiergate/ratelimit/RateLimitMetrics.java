package dev.tiergate.ratelimit;

/**
 * Counts the checks of one tier, for example in Micrometer. Never told the client.
 */
@FunctionalInterface
public interface RateLimitMetrics {

	/** Metrics that count nothing. */
	RateLimitMetrics NONE = (allowed, distributed) -> {
	};

	/**
	 * Counts one check.
	 * @param allowed whether the call was allowed
	 * @param distributed whether the bucket was in Redis rather than in this JVM
	 */
	void checked(boolean allowed, boolean distributed);

	/**
	 * Creates the metrics of each tier.
	 */
	@FunctionalInterface
	interface Factory {

		/** A factory of metrics that count nothing. */
		Factory NONE = (tier) -> RateLimitMetrics.NONE;

		/**
		 * Returns the metrics of a tier.
		 * @param tier the tier name
		 * @return its metrics
		 */
		RateLimitMetrics forTier(String tier);

	}

}
