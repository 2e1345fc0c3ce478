package dev.tiergate.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

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
	 * Settles a call whose estimate {@link #tryConsume} took, once its actual cost is
	 * known, without a check: a charge may leave the bucket below empty (at most one
	 * capacity below), so that the next calls wait until it has refilled; a refund never
	 * fills it above full.
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param tokens the tokens to take (a charge), or when negative to give back (a
	 * refund); never 0
	 * @throws dev.tiergate.redis.RedisUnavailableException when the buckets are in Redis
	 * and it cannot be reached
	 */
	default void settle(RateLimitTier tier, String clientKey, long tokens) {
		// Decisions made without buckets (on-redis-failure allow or deny) took nothing.
	}

	/**
	 * Settles a call as {@link #settle} does, without blocking the caller: for the calls
	 * of asynchronous methods, whose results complete on threads that must not wait.
	 * Buckets in this JVM settle at once.
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param tokens the tokens to take, or when negative to give back; never 0
	 * @return completed once settled, failed with
	 * {@link dev.tiergate.redis.RedisUnavailableException} when the buckets are in Redis and
	 * it cannot be reached
	 */
	default CompletionStage<@Nullable Void> settleAsync(RateLimitTier tier, String clientKey, long tokens) {
		try {
			settle(tier, clientKey, tokens);
			return CompletableFuture.completedFuture(null);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Takes tokens as {@link #tryConsume} does, without blocking the caller. Buckets in this
	 * JVM answer with a completed stage; buckets in Redis send the check and complete the
	 * stage on the thread that receives the reply (Lettuce's I/O thread, or the timeout's).
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param cost the tokens to take, at least 1
	 * @return the decision to come, failed with
	 * {@link dev.tiergate.redis.RedisUnavailableException} when the buckets are in Redis and
	 * it cannot be reached
	 */
	default CompletionStage<RateLimitDecision> tryConsumeAsync(RateLimitTier tier, String clientKey, long cost) {
		try {
			return CompletableFuture.completedFuture(tryConsume(tier, clientKey, cost));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

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
