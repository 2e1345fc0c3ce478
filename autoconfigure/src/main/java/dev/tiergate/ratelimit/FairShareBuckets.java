package dev.tiergate.ratelimit;

import java.util.ArrayList;
import java.util.List;

/**
 * The local buckets of an {@link OnRedisFailure#LOCAL} tier during an outage: each of the
 * N instances last seen alive holds 1/N of every limit, so that N instances together
 * admit no more than the tier's limit plus one token each. The capacity share is rounded
 * down, to at least 1 token; the refill share is exact (the same tokens over N times the
 * period). With one instance these are the tier's whole buckets, the same as without
 * Redis.
 */
final class FairShareBuckets implements TokenBuckets {

	private final RateLimitTier tier;

	private final LocalTokenBuckets whole;

	private final LiveInstances instances;

	private volatile Share current;

	FairShareBuckets(RateLimitTier tier, LocalTokenBuckets whole, LiveInstances instances) {
		this.tier = tier;
		this.whole = whole;
		this.instances = instances;
		this.current = new Share(1, tier, whole);
	}

	@Override
	public RateLimitDecision tryConsume(RateLimitTier tier, String clientKey, long cost) {
		int count = Math.max(1, this.instances.count());
		if (count == 1) {
			return this.whole.tryConsume(tier, clientKey, cost);
		}
		Share share = this.current;
		if (share.instances() != count) {
			share = shareOf(count);
		}
		return share.buckets().tryConsume(share.tier(), clientKey, cost);
	}

	/** Settles in the buckets of the share that took the call; a share replaced since has started over full. */
	@Override
	public void settle(RateLimitTier tier, String clientKey, long tokens) {
		int count = Math.max(1, this.instances.count());
		if (count == 1) {
			this.whole.settle(tier, clientKey, tokens);
			return;
		}
		Share share = this.current;
		if (share.instances() == count) {
			share.buckets().settle(share.tier(), clientKey, tokens);
		}
	}

	/** Buckets for a new count: they start full, as the local buckets of an outage always do. */
	private synchronized Share shareOf(int count) {
		Share share = this.current;
		if (share.instances() != count) {
			RateLimitTier shared = share(this.tier, count);
			share = new Share(count, shared, this.whole.forTier(shared));
			this.current = share;
		}
		return share;
	}

	/**
	 * Returns the share of one instance of N in a tier's limits.
	 * @param tier the tier
	 * @param instances the number of instances, N
	 * @return the tier with every limit divided by N, or the tier itself for one instance
	 */
	static RateLimitTier share(RateLimitTier tier, int instances) {
		if (instances <= 1) {
			return tier;
		}
		List<RateLimitTier.Limit> limits = new ArrayList<>(tier.limits().size());
		for (RateLimitTier.Limit limit : tier.limits()) {
			limits.add(share(limit, instances));
		}
		return new RateLimitTier(tier.name(), limits, tier.onRedisFailure(), tier.mode(), tier.unit(),
				tier.concurrency());
	}

	/**
	 * Returns one instance's share of a limit: capacity/N rounded down (at least 1), and
	 * refill/N exactly, as refill/g tokens per (N/g) periods, g = gcd(refill, N). A share
	 * no limit can hold (a period beyond 292 years, or more than 53 bits of units) is the
	 * whole limit, as before fair shares; no real tier comes near.
	 */
	static RateLimitTier.Limit share(RateLimitTier.Limit limit, int instances) {
		long gcd = RateLimitTier.Limit.gcd(limit.refillTokens(), instances);
		try {
			return new RateLimitTier.Limit(Math.max(1, limit.capacity() / instances), limit.refillTokens() / gcd,
					limit.refillPeriod().multipliedBy(instances / gcd));
		}
		catch (IllegalArgumentException | ArithmeticException ex) {
			return limit;
		}
	}

	/**
	 * Returns the number of instances whose share the buckets hold now.
	 * @return the count, 1 when they hold the whole limits
	 */
	int instances() {
		return Math.max(1, this.instances.count());
	}

	/** Empties the share buckets; the whole ones belong to the tier's limiter, which empties them itself. */
	@Override
	public long deleteAll() {
		Share share = this.current;
		return (share.buckets() != this.whole) ? share.buckets().deleteAll() : 0;
	}

	long size() {
		Share share = this.current;
		return (share.buckets() != this.whole) ? share.buckets().size() : 0;
	}

	private record Share(int instances, RateLimitTier tier, LocalTokenBuckets buckets) {
	}

}
