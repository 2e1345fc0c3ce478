package dev.tiergate.ratelimit;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tiergate.observation.TiergateObservations;
import io.github.bucket4j.TimeMeter;
import org.jspecify.annotations.Nullable;

/**
 * The rate-limit tiers of an application and the buckets behind them: in Redis when
 * Redis {@link TokenBuckets} are given, shared by every instance, and in this JVM
 * otherwise or during an outage (as each tier's {@link OnRedisFailure} says).
 */
public final class RateLimiters {

	private final Map<String, TierRateLimiter> limiters;

	private final @Nullable TokenBuckets distributed;

	private final LiveInstances liveInstances;

	/**
	 * Creates the rate limiters of some tiers.
	 * @param tiers the tiers
	 * @param distributed the buckets in Redis, or {@code null} to keep every bucket in this
	 * JVM
	 * @param timeMeter the time source of the buckets in this JVM
	 * @param maxLocalBuckets the most buckets (clients) each tier keeps in this JVM
	 */
	public RateLimiters(Collection<RateLimitTier> tiers, @Nullable TokenBuckets distributed,
			TimeMeter timeMeter, long maxLocalBuckets) {
		this(tiers, distributed, timeMeter, maxLocalBuckets, TiergateObservations.NONE);
	}

	/**
	 * Creates the rate limiters of some tiers, observing their checks that go to Redis.
	 * @param tiers the tiers
	 * @param distributed the buckets in Redis, or {@code null} to keep every bucket in this
	 * JVM
	 * @param timeMeter the time source of the buckets in this JVM
	 * @param maxLocalBuckets the most buckets (clients) each tier keeps in this JVM
	 * @param observations observes the checks sent to Redis
	 */
	public RateLimiters(Collection<RateLimitTier> tiers, @Nullable TokenBuckets distributed,
			TimeMeter timeMeter, long maxLocalBuckets, TiergateObservations observations) {
		this(tiers, Map.of(), PlanResolver.NONE, distributed, timeMeter, maxLocalBuckets, observations,
				LiveInstances.ONE, null);
	}

	/**
	 * Creates the rate limiters of some tiers without plans whose local buckets, during a
	 * Redis outage, hold this instance's share of the limits, with the leases of tiers
	 * that limit concurrency in Redis.
	 * @param tiers the tiers
	 * @param distributed the buckets in Redis, or {@code null} to keep every bucket in this
	 * JVM
	 * @param timeMeter the time source of the buckets in this JVM
	 * @param maxLocalBuckets the most buckets (clients) each tier keeps in this JVM
	 * @param observations observes the checks sent to Redis
	 * @param liveInstances the number of instances last seen alive
	 * @param distributedLeases the leases of calls in flight in Redis, or {@code null} to
	 * count them in this JVM
	 */
	public RateLimiters(Collection<RateLimitTier> tiers, @Nullable TokenBuckets distributed,
			TimeMeter timeMeter, long maxLocalBuckets, TiergateObservations observations,
			LiveInstances liveInstances, @Nullable ConcurrencyLeases distributedLeases) {
		this(tiers, Map.of(), PlanResolver.NONE, distributed, timeMeter, maxLocalBuckets, observations,
				liveInstances, distributedLeases);
	}

	/**
	 * Creates the rate limiters of some tiers with plans, observing their checks that go
	 * to Redis; during a Redis outage their local buckets hold this instance's share of
	 * the limits, and the tiers that limit concurrency keep their leases in Redis.
	 * @param tiers the tiers
	 * @param plans the limits of each plan (by plan name) of each tier (by tier name); a
	 * tier without plans needs no entry
	 * @param planResolver chooses the plan of each call of a tier that has plans
	 * @param distributed the buckets in Redis, or {@code null} to keep every bucket in this
	 * JVM
	 * @param timeMeter the time source of the buckets in this JVM
	 * @param maxLocalBuckets the most buckets (clients) each tier and each plan keeps in
	 * this JVM
	 * @param observations observes the checks sent to Redis
	 * @param liveInstances the number of instances last seen alive: during an outage the
	 * local buckets of an {@link OnRedisFailure#LOCAL} tier hold 1/N of its limits;
	 * {@link LiveInstances#ONE} for the whole limits
	 * @param distributedLeases the leases of calls in flight in Redis, or {@code null} to
	 * count them in this JVM
	 */
	public RateLimiters(Collection<RateLimitTier> tiers, Map<String, Map<String, List<RateLimitTier.Limit>>> plans,
			PlanResolver planResolver, @Nullable TokenBuckets distributed, TimeMeter timeMeter,
			long maxLocalBuckets, TiergateObservations observations, LiveInstances liveInstances,
			@Nullable ConcurrencyLeases distributedLeases) {
		if (maxLocalBuckets < 1) {
			throw new IllegalArgumentException("maxLocalBuckets must be positive but was " + maxLocalBuckets);
		}
		Map<String, TierRateLimiter> limiters = new LinkedHashMap<>();
		for (RateLimitTier tier : tiers) {
			limiters.put(tier.name(), new TierRateLimiter(tier, plans.getOrDefault(tier.name(), Map.of()),
					planResolver, distributed, new LocalTokenBuckets(tier, timeMeter, maxLocalBuckets),
					(plan) -> new LocalTokenBuckets(plan, timeMeter, maxLocalBuckets), observations, liveInstances,
					distributedLeases));
		}
		if (!limiters.keySet().containsAll(plans.keySet())) {
			throw new IllegalArgumentException("Plans of unknown tiers: " + plans.keySet() + " but the tiers are "
					+ limiters.keySet());
		}
		this.limiters = Collections.unmodifiableMap(limiters);
		this.distributed = distributed;
		this.liveInstances = liveInstances;
	}

	/**
	 * Returns the limiter of a tier.
	 * @param tier the tier name
	 * @return the limiter, or {@code null} when there is no such tier
	 */
	public @Nullable TierRateLimiter find(String tier) {
		return this.limiters.get(tier);
	}

	/**
	 * Returns the limiter of a tier.
	 * @param tier the tier name
	 * @return the limiter
	 * @throws IllegalArgumentException when there is no such tier
	 */
	public TierRateLimiter get(String tier) {
		TierRateLimiter limiter = this.limiters.get(tier);
		if (limiter == null) {
			throw new IllegalArgumentException(
					"No rate-limit tier '" + tier + "'; the tiers are " + this.limiters.keySet());
		}
		return limiter;
	}

	/**
	 * Returns the limiters of every tier.
	 * @return the limiters
	 */
	public Collection<TierRateLimiter> all() {
		return this.limiters.values();
	}

	/**
	 * Refills every bucket of every tier, for tests that must not see the calls of the
	 * tests before them: empties the buckets kept in this JVM, then deletes this
	 * application's buckets in Redis, if it has Redis (on a Cluster, on every master).
	 * The statistics are left as they are. Instances of the application elsewhere keep
	 * their buckets in their own JVMs.
	 * @return the number of buckets deleted in Redis, {@code 0} without Redis
	 * @throws dev.tiergate.redis.RedisUnavailableException when Redis cannot be reached,
	 * the circuit breaker being open included; this JVM's buckets have been emptied
	 */
	public long reset() {
		this.limiters.values().forEach(TierRateLimiter::clearLocal);
		return (this.distributed != null) ? this.distributed.deleteAll() : 0;
	}

	/**
	 * Returns how many instances this one last saw alive: during an outage each holds
	 * that share of the limits of the tiers that check calls locally.
	 * @return the count, at least 1; 1 without Redis or with fair shares off
	 */
	public int liveInstances() {
		return (this.distributed != null) ? Math.max(1, this.liveInstances.count()) : 1;
	}

	/**
	 * Returns whether limits are enforced in Redis now, shared by every instance, rather
	 * than in this JVM (no Redis configured, or an outage).
	 * @return whether rate limiting is distributed now
	 */
	public boolean isDistributed() {
		return this.distributed != null && this.distributed.isAvailable();
	}

}
