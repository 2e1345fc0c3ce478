package dev.tiergate.ratelimit;

/**
 * Token buckets shared by every instance of the application, such as Redis.
 */
public interface DistributedBuckets {

	/**
	 * Takes tokens from a client's bucket of a tier if every limit of the tier holds them,
	 * atomically: concurrent checks from any instance never admit more than the limits.
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param cost the tokens to take, at least 1
	 * @return the decision
	 * @throws dev.tiergate.redis.RedisUnavailableException when the buckets cannot be
	 * reached
	 */
	RateLimitDecision tryConsume(RateLimitTier tier, String clientKey, long cost);

	/**
	 * Deletes every bucket of this application, of every tier and client, so that each
	 * starts over full; the buckets of other applications stay.
	 * @return the number of buckets deleted
	 * @throws dev.tiergate.redis.RedisUnavailableException when the buckets cannot be
	 * reached; some may have been deleted
	 */
	long deleteAll();

	/**
	 * Returns whether the buckets are in use now, rather than skipped for an outage.
	 * @return whether available
	 */
	boolean isAvailable();

}
