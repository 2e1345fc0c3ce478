package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import io.github.bucket4j.BandwidthBuilder.BandwidthBuilderBuildStage;
import io.github.bucket4j.BandwidthBuilder.BandwidthBuilderCapacityStage;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
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

	private final TimeMeter timeMeter;

	private final long maxBuckets;

	private final Cache<String, Bucket> buckets;

	private final Function<String, Bucket> newBucket = (key) -> newBucket();

	/** One read per check sees the tier and what is derived from it alike, also while it is changed. */
	private volatile Shape shape;

	LocalTokenBuckets(RateLimitTier tier, TimeMeter timeMeter, long maxBuckets) {
		this.shape = new Shape(tier);
		this.timeMeter = timeMeter;
		this.maxBuckets = maxBuckets;
		this.buckets = Caffeine.newBuilder()
			.maximumSize(maxBuckets)
			.expireAfterAccess(tier.timeToFill().plus(ACCESS_TIME_TOLERANCE))
			.ticker(timeMeter::currentTimeNanos)
			.build();
	}

	/**
	 * Changes the limits of every bucket, each keeping its tokens as a share of the new
	 * capacity (half full stays half full).
	 * @param tier the tier with its new limits, of the same name and number of limits
	 */
	void reconfigure(RateLimitTier tier) {
		Shape previous = this.shape;
		if (!tier.name().equals(previous.tier.name()) || tier.limits().size() != previous.limits.size()) {
			throw new IllegalArgumentException("These buckets are of tier '" + previous.tier.name() + "' with "
					+ previous.limits.size() + " limit(s), not '" + tier.name() + "' with " + tier.limits().size());
		}
		this.shape = new Shape(tier);
		this.buckets.policy()
			.expireAfterAccess()
			.ifPresent((expiry) -> expiry.setExpiresAfter(tier.timeToFill().plus(ACCESS_TIME_TOLERANCE)));
		BucketConfiguration configuration = configuration(tier.limits());
		this.buckets.asMap()
			.values()
			.forEach((bucket) -> bucket.replaceConfiguration(configuration, TokensInheritanceStrategy.PROPORTIONALLY));
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
		Shape shape = checkTier(tier);
		Bucket bucket = this.buckets.get(clientKey, this.newBucket);
		if (shape.limits.size() == 1) {
			ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(cost);
			return decision(shape, probe, cost, 0, probe.getRemainingTokens(), probe.getNanosToWaitForReset());
		}
		// The state of every limit, for the headers of the one closest to exhaustion.
		var result = bucket.asVerbose().tryConsumeAndReturnRemaining(cost);
		BucketState state = result.getState();
		long[] remaining = new long[shape.limits.size()];
		long[] resetNanos = new long[shape.limits.size()];
		for (int i = 0; i < remaining.length; i++) {
			RateLimitTier.Limit limit = shape.limits.get(i);
			remaining[i] = state.getCurrentSize(i);
			resetNanos[i] = nanosToFull(limit, remaining[i], state.getRoundingError(i));
		}
		int closest = RateLimitDecision.closestToExhaustion(remaining, resetNanos);
		ConsumptionProbe probe = result.getValue();
		return decision(shape, probe, cost, closest, remaining[closest], resetNanos[closest]);
	}

	/**
	 * Settles a call, as {@link TokenBuckets#settle} says: a refund adds tokens up to
	 * full; a charge takes them ignoring the limits, down to the smallest capacity below
	 * empty.
	 */
	@Override
	public void settle(RateLimitTier tier, String clientKey, long tokens) {
		Shape shape = checkTier(tier);
		Bucket bucket = this.buckets.get(clientKey, this.newBucket);
		if (tokens < 0) {
			bucket.addTokens(-tokens);
			return;
		}
		long charge = Math.min(tokens, bucket.getAvailableTokens() + shape.smallestCapacity);
		if (charge > 0) {
			bucket.consumeIgnoringRateLimits(charge);
		}
	}

	private Shape checkTier(RateLimitTier tier) {
		Shape shape = this.shape;
		if (!tier.name().equals(shape.tier.name())) {
			throw new IllegalArgumentException("These buckets are of tier '" + shape.tier.name() + "', not '"
					+ tier.name() + "'");
		}
		return shape;
	}

	private static RateLimitDecision decision(Shape shape, ConsumptionProbe probe, long cost, int limitIndex,
			long remaining, long resetNanos) {
		return probe.isConsumed()
				? RateLimitDecision.allowed(shape.tier, Enforcement.LOCAL, limitIndex, remaining, resetNanos)
				: RateLimitDecision.rejected(shape.tier, Enforcement.LOCAL, limitIndex, remaining, resetNanos,
						retryNanos(shape, probe, cost));
	}

	/** Bucket4j waits forever for a cost above the capacity; a header needs a finite time. */
	private static long retryNanos(Shape shape, ConsumptionProbe probe, long cost) {
		return (cost > shape.smallestCapacity) ? shape.costBeyondCapacityRetryNanos
				: probe.getNanosToWaitForRefill();
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

	/**
	 * Returns empty buckets of another tier, with the same clock and bound.
	 * @param other the tier, such as one instance's share of this one
	 * @return the buckets
	 */
	LocalTokenBuckets forTier(RateLimitTier other) {
		return new LocalTokenBuckets(other, this.timeMeter, this.maxBuckets);
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
		this.shape.limits.forEach((limit) -> builder.addLimit(bandwidth(limit)));
		return builder.build();
	}

	private static BucketConfiguration configuration(List<RateLimitTier.Limit> limits) {
		ConfigurationBuilder builder = BucketConfiguration.builder();
		limits.forEach((limit) -> builder.addLimit(bandwidth(limit)));
		return builder.build();
	}

	private static Function<BandwidthBuilderCapacityStage, BandwidthBuilderBuildStage> bandwidth(
			RateLimitTier.Limit limit) {
		return (bandwidth) -> bandwidth.capacity(limit.capacity())
			.refillGreedy(limit.refillTokens(), limit.refillPeriod());
	}

	/**
	 * A tier and what every check needs of it, computed once: the smallest capacity is
	 * needed for every rejection, and the tier computes it with a stream.
	 */
	private static final class Shape {

		private final RateLimitTier tier;

		private final List<RateLimitTier.Limit> limits;

		private final long smallestCapacity;

		private final long costBeyondCapacityRetryNanos;

		Shape(RateLimitTier tier) {
			this.tier = tier;
			this.limits = tier.limits();
			this.smallestCapacity = tier.smallestCapacity();
			this.costBeyondCapacityRetryNanos = tier.timeToFill().toNanos();
		}

	}

}
