package dev.tiergate.ratelimit;

/**
 * Token buckets of rate-limit tiers: in Redis, shared by every instance of the
 * application, or in this JVM.
 */
public interface TokenBuckets {

	/**
	 * Takes tokens from a client's bucket of a tier if every limit of the tier holds them,
	 * atomically: concurrent checks never admit more than the limits.
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param cost the tokens to take, at least 1
	 * @return the decision
	 * @throws dev.tiergate.redis.RedisUnavailableException when the buckets are in Redis
	 * and it cannot be reached
	 */
	RateLimitDecision tryConsume(RateLimitTier tier, String clientKey, long cost);

	/**
	 * Deletes every bucket of this application, of every tier and client, so that each
	 * starts over full; the buckets of other applications stay.
	 * @return the number of buckets deleted
	 * @throws dev.tiergate.redis.RedisUnavailableException when the buckets are in Redis
	 * and cannot be reached; some may have been deleted
	 */
	default long deleteAll() {
		// Decisions made without buckets (on-redis-failure allow or deny) keep nothing.
		return 0;
	}

	/**
	 * Returns whether the buckets are in use now, rather than skipped for an outage;
	 * buckets in this JVM always are.
	 * @return whether available
	 */
	default boolean isAvailable() {
		return true;
	}

}
