package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * The buckets of one tier in this JVM: Bucket4j buckets in a bounded Caffeine map, so
 * that millions of clients cannot exhaust the memory. A bucket left alone for as long as
 * the tier takes to fill (and a second) is full again, so it is dropped then without
 * changing any decision; a bucket evicted earlier because the map is full starts over
 * full.
 */
final class LocalTokenBuckets implements TokenBuckets {

	/**
	 * Caffeine does not record an access that follows the previous one within a second, so
	 * an entry may expire up to that much earlier than its last read suggests.
	 */
	private static final Duration ACCESS_TIME_TOLERANCE = Duration.ofSeconds(1).plusMillis(1);

	private final RateLimitTier tier;

	private final List<RateLimitTier.Limit> limits;

	private final TimeMeter timeMeter;

	private final Cache<String, Bucket> buckets;

	private final Function<String, Bucket> newBucket = (key) -> newBucket();

	private final long costBeyondCapacityRetryNanos;

	/** Computed once: it is needed for every rejection, and the tier computes it with a stream. */
	private final long smallestCapacity;

	LocalTokenBuckets(RateLimitTier tier, TimeMeter timeMeter, long maxBuckets) {
		this.tier = tier;
		this.limits = tier.limits();
		this.timeMeter = timeMeter;
		this.buckets = Caffeine.newBuilder()
			.maximumSize(maxBuckets)
			.expireAfterAccess(tier.timeToFill().plus(ACCESS_TIME_TOLERANCE))
			.ticker(timeMeter::currentTimeNanos)
			.build();
		this.costBeyondCapacityRetryNanos = tier.timeToFill().toNanos();
		this.smallestCapacity = tier.smallestCapacity();
	}

	/**
	 * Takes tokens from a client's bucket.
	 * @param tier the tier these buckets were created for
	 * @param clientKey the client
	 * @param cost the tokens to take
	 * @return the decision
	 */
	@Override
	public RateLimitDecision tryConsume(RateLimitTier tier, String clientKey, long cost) {
		if (tier != this.tier) {
			throw new IllegalArgumentException("These buckets are of tier '" + this.tier.name() + "', not '"
					+ tier.name() + "'");
		}
		Bucket bucket = this.buckets.get(clientKey, this.newBucket);
		if (this.limits.size() == 1) {
			ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(cost);
			return decision(probe, cost, 0, probe.getRemainingTokens(), probe.getNanosToWaitForReset());
		}
		// The state of every limit, for the headers of the one closest to exhaustion.
		var result = bucket.asVerbose().tryConsumeAndReturnRemaining(cost);
		BucketState state = result.getState();
		long[] remaining = new long[this.limits.size()];
		long[] resetNanos = new long[this.limits.size()];
		for (int i = 0; i < remaining.length; i++) {
			RateLimitTier.Limit limit = this.limits.get(i);
			remaining[i] = state.getCurrentSize(i);
			resetNanos[i] = nanosToFull(limit, remaining[i], state.getRoundingError(i));
		}
		int closest = RateLimitDecision.closestToExhaustion(remaining, resetNanos);
		ConsumptionProbe probe = result.getValue();
		return decision(probe, cost, closest, remaining[closest], resetNanos[closest]);
	}

	private RateLimitDecision decision(ConsumptionProbe probe, long cost, int limitIndex, long remaining,
			long resetNanos) {
		return probe.isConsumed()
				? RateLimitDecision.allowed(this.tier, Enforcement.LOCAL, limitIndex, remaining, resetNanos)
				: RateLimitDecision.rejected(this.tier, Enforcement.LOCAL, limitIndex, remaining, resetNanos,
						retryNanos(probe, cost));
	}

	/** Bucket4j waits forever for a cost above the capacity; a header needs a finite time. */
	private long retryNanos(ConsumptionProbe probe, long cost) {
		return (cost > this.smallestCapacity) ? this.costBeyondCapacityRetryNanos : probe.getNanosToWaitForRefill();
	}

	/**
	 * Time until a limit is full. Bucket4j keeps the fraction of a token a refill left
	 * over as a rounding error, in units of 1/refillPeriodNanos of the refill.
	 */
	private static long nanosToFull(RateLimitTier.Limit limit, long tokens, long roundingError) {
		long missing = limit.capacity() - tokens;
		if (missing <= 0) {
			return 0;
		}
		long periodNanos = limit.refillPeriod().toNanos();
		try {
			long units = Math.subtractExact(Math.multiplyExact(missing, periodNanos), roundingError);
			return -Math.floorDiv(-units, limit.refillTokens());
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	@Override
	public long deleteAll() {
		long held = size();
		this.buckets.invalidateAll();
		return held;
	}

	long size() {
		this.buckets.cleanUp();
		return this.buckets.estimatedSize();
	}

	private Bucket newBucket() {
		LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(this.timeMeter);
		for (RateLimitTier.Limit limit : this.limits) {
			builder.addLimit((bandwidth) -> bandwidth.capacity(limit.capacity())
				.refillGreedy(limit.refillTokens(), limit.refillPeriod()));
		}
		return builder.build();
	}

}
