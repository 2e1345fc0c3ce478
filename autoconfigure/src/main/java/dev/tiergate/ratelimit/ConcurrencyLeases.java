package dev.tiergate.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * Leases of calls in flight, for tiers with a {@link RateLimitTier.Concurrency
 * concurrency limit}: in Redis, shared by every instance, or in this JVM.
 */
public interface ConcurrencyLeases {

	/**
	 * Takes a lease for a call of a client if fewer than the tier's maximum are held,
	 * atomically: concurrent calls never hold more.
	 * @param tier the tier, which has a concurrency limit
	 * @param clientKey the client, not yet hashed
	 * @return the lease's id, to release it by, or {@code null} when the maximum is held
	 * @throws dev.tiergate.redis.RedisUnavailableException when the leases are in Redis and
	 * it cannot be reached
	 */
	@Nullable String tryAcquire(RateLimitTier tier, String clientKey);

	/**
	 * Releases a lease; one that has expired or was released is no more.
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param lease the lease's id
	 * @throws dev.tiergate.redis.RedisUnavailableException when the leases are in Redis and
	 * it cannot be reached (the lease then expires after its TTL)
	 */
	void release(RateLimitTier tier, String clientKey, String lease);

	/**
	 * Takes a lease as {@link #tryAcquire} does, without blocking the caller: for calls of
	 * asynchronous methods. Leases in this JVM answer with a completed stage.
	 * @param tier the tier, which has a concurrency limit
	 * @param clientKey the client, not yet hashed
	 * @return the lease's id to come, {@code null} when the maximum is held; failed with
	 * {@link dev.tiergate.redis.RedisUnavailableException} when the leases are in Redis and
	 * it cannot be reached
	 */
	default CompletionStage<@Nullable String> tryAcquireAsync(RateLimitTier tier, String clientKey) {
		try {
			return CompletableFuture.completedFuture(tryAcquire(tier, clientKey));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Releases a lease as {@link #release} does, without blocking the caller.
	 * @param tier the tier
	 * @param clientKey the client, not yet hashed
	 * @param lease the lease's id
	 * @return completed once released, failed with
	 * {@link dev.tiergate.redis.RedisUnavailableException} when the leases are in Redis and
	 * it cannot be reached (the lease then expires after its TTL)
	 */
	default CompletionStage<@Nullable Void> releaseAsync(RateLimitTier tier, String clientKey, String lease) {
		try {
			release(tier, clientKey, lease);
			return CompletableFuture.completedFuture(null);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}
