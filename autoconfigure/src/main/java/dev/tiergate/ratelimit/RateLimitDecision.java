package dev.tiergate.ratelimit;

import java.time.Duration;

/**
 * The outcome of one check: whether the call may go on, and the state of the limit
 * closest to exhaustion (the one with the fewest tokens left, and of those the one that
 * takes longest to fill), which is what the {@code X-RateLimit-*} headers describe.
 */
public final class RateLimitDecision {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private final RateLimitTier tier;

	private final Outcome outcome;

	private final Enforcement enforcement;

	private final int limitIndex;

	private final long remaining;

	private final long resetNanos;

	private final long retryAfterNanos;

	private final boolean concurrencyLimited;

	private RateLimitDecision(RateLimitTier tier, Outcome outcome, Enforcement enforcement, int limitIndex,
			long remaining, long resetNanos, long retryAfterNanos) {
		this(tier, outcome, enforcement, limitIndex, remaining, resetNanos, retryAfterNanos, false);
	}

	private RateLimitDecision(RateLimitTier tier, Outcome outcome, Enforcement enforcement, int limitIndex,
			long remaining, long resetNanos, long retryAfterNanos, boolean concurrencyLimited) {
		this.concurrencyLimited = concurrencyLimited;
		this.tier = tier;
		this.outcome = outcome;
		this.enforcement = enforcement;
		this.limitIndex = limitIndex;
		this.remaining = Math.max(0, remaining);
		this.resetNanos = Math.max(0, resetNanos);
		this.retryAfterNanos = (outcome == Outcome.ALLOWED) ? 0 : Math.max(0, retryAfterNanos);
	}

	/**
	 * Returns a decision that lets the call go on.
	 * @param tier the tier checked
	 * @param enforcement where the bucket is
	 * @param limitIndex which of the tier's limits the state describes
	 * @param remaining the tokens left in that limit
	 * @param resetNanos how long until that limit is full again
	 * @return the decision
	 */
	public static RateLimitDecision allowed(RateLimitTier tier, Enforcement enforcement, int limitIndex,
			long remaining, long resetNanos) {
		return new RateLimitDecision(tier, Outcome.ALLOWED, enforcement, limitIndex, remaining, resetNanos, 0);
	}

	/**
	 * Returns a decision that rejects the call.
	 * @param tier the tier checked
	 * @param enforcement where the bucket is
	 * @param limitIndex which of the tier's limits the state describes
	 * @param remaining the tokens left in that limit
	 * @param resetNanos how long until that limit is full again
	 * @param retryAfterNanos how long until the call would be allowed
	 * @return the decision
	 */
	public static RateLimitDecision rejected(RateLimitTier tier, Enforcement enforcement, int limitIndex,
			long remaining, long resetNanos, long retryAfterNanos) {
		return new RateLimitDecision(tier, Outcome.REJECTED, enforcement, limitIndex, remaining, resetNanos,
				retryAfterNanos);
	}

	/**
	 * Returns a decision that rejects a call because the client has as many calls in
	 * flight as the tier's concurrency limit allows; its tokens are not looked at.
	 * @param tier the tier checked
	 * @param enforcement where the leases are
	 * @param retryAfterNanos what to tell the client to wait
	 * @return the decision
	 */
	public static RateLimitDecision rejectedForConcurrency(RateLimitTier tier, Enforcement enforcement,
			long retryAfterNanos) {
		return new RateLimitDecision(tier, Outcome.REJECTED, enforcement, 0, 0, 0, retryAfterNanos, true);
	}

	/**
	 * Returns whether the call was rejected by the tier's concurrency limit (too many calls
	 * in flight) rather than by its tokens.
	 * @return whether rejected for concurrency
	 */
	public boolean isConcurrencyLimited() {
		return this.concurrencyLimited;
	}

	/**
	 * Returns which limit of several is closest to exhaustion: the fewest tokens left,
	 * then the longest time to fill.
	 * @param remaining the tokens left per limit
	 * @param resetNanos the time to fill per limit
	 * @return the index of that limit
	 */
	public static int closestToExhaustion(long[] remaining, long[] resetNanos) {
		int closest = 0;
		for (int i = 1; i < remaining.length; i++) {
			if (remaining[i] < remaining[closest]
					|| (remaining[i] == remaining[closest] && resetNanos[i] > resetNanos[closest])) {
				closest = i;
			}
		}
		return closest;
	}

	/**
	 * Returns the tier checked.
	 * @return the tier
	 */
	public RateLimitTier tier() {
		return this.tier;
	}

	/**
	 * Returns whether the call may go on.
	 * @return whether it is allowed
	 */
	public boolean isAllowed() {
		return this.outcome != Outcome.REJECTED;
	}

	/**
	 * Returns whether the buckets refused the call but its tier is in shadow mode, so it
	 * goes on.
	 * @return whether the call would have been refused
	 */
	public boolean isShadowRejected() {
		return this.outcome == Outcome.SHADOW_REJECTED;
	}

	/** The decision of a shadow tier: a refusal becomes a call that goes on, counted apart. */
	RateLimitDecision shadowed() {
		return (this.outcome != Outcome.REJECTED) ? this : new RateLimitDecision(this.tier, Outcome.SHADOW_REJECTED,
				this.enforcement, this.limitIndex, this.remaining, this.resetNanos, this.retryAfterNanos);
	}

	/**
	 * Returns whether the call may go on, as a value for statistics and metrics.
	 * @return the outcome
	 */
	public Outcome outcome() {
		return this.outcome;
	}

	/**
	 * Returns where the bucket is.
	 * @return the enforcement
	 */
	public Enforcement enforcement() {
		return this.enforcement;
	}

	/**
	 * Returns whether the bucket is in Redis, shared by every instance, rather than in
	 * this JVM.
	 * @return whether the check was distributed
	 */
	public boolean isDistributed() {
		return this.enforcement == Enforcement.DISTRIBUTED;
	}

	/**
	 * Returns the limit described.
	 * @return the limit closest to exhaustion
	 */
	public RateLimitTier.Limit limit() {
		return this.tier.limits().get(this.limitIndex);
	}

	/**
	 * Returns the position of the limit described among the tier's limits: 0 for the main
	 * limit, then the extra limits.
	 * @return the index of the limit closest to exhaustion
	 */
	public int limitIndex() {
		return this.limitIndex;
	}

	/**
	 * Returns the capacity of the limit described ({@code X-RateLimit-Limit}).
	 * @return the capacity
	 */
	public long capacity() {
		return limit().capacity();
	}

	/**
	 * Returns the whole tokens left in the limit described ({@code X-RateLimit-Remaining}).
	 * @return the tokens left
	 */
	public long remaining() {
		return this.remaining;
	}

	/**
	 * Returns how long until the limit described is full again.
	 * @return the time to fill
	 */
	public Duration reset() {
		return Duration.ofNanos(this.resetNanos);
	}

	/**
	 * Returns the seconds until the limit described is full again, rounded up
	 * ({@code X-RateLimit-Reset}).
	 * @return the seconds
	 */
	public long resetSeconds() {
		return ceilSeconds(this.resetNanos);
	}

	/**
	 * Returns how long until a rejected call would be allowed; zero when allowed, and for
	 * a shadow rejection how long it would have had to wait.
	 * @return the time to wait
	 */
	public Duration retryAfter() {
		return Duration.ofNanos(this.retryAfterNanos);
	}

	/**
	 * Returns the seconds until a rejected call would be allowed, rounded up and at least
	 * 1 ({@code Retry-After}); zero when allowed.
	 * @return the seconds
	 */
	public long retryAfterSeconds() {
		return isAllowed() ? 0 : Math.max(1, ceilSeconds(this.retryAfterNanos));
	}

	private static long ceilSeconds(long nanos) {
		return (nanos / NANOS_PER_SECOND) + ((nanos % NANOS_PER_SECOND != 0) ? 1 : 0);
	}

	@Override
	public String toString() {
		return "RateLimitDecision[tier=" + this.tier.name() + ", allowed=" + isAllowed() + ", distributed="
				+ isDistributed() + (this.concurrencyLimited ? ", concurrency-limited" : "") + ", limit=" + capacity() + ", remaining=" + this.remaining + ", reset="
				+ reset() + ", retryAfter=" + retryAfter() + "]";
	}

	/**
	 * Whether a call may go on.
	 */
	public enum Outcome {

		/** The bucket held the tokens: the call goes on. */
		ALLOWED("allowed"),

		/** The bucket did not hold the tokens: the call is refused. */
		REJECTED("rejected"),

		/** The bucket did not hold the tokens, but the tier is in shadow mode: the call goes on. */
		SHADOW_REJECTED("shadow-rejected");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		/**
		 * Returns the value of the {@code result} tag of the metrics.
		 * @return the tag value
		 */
		public String tag() {
			return this.tag;
		}

	}

	/**
	 * Where the bucket that decided is.
	 */
	public enum Enforcement {

		/** In Redis, shared by every instance. */
		DISTRIBUTED("distributed"),

		/** In this JVM. */
		LOCAL("local");

		private final String tag;

		Enforcement(String tag) {
			this.tag = tag;
		}

		/**
		 * Returns the value of the {@code mode} tag of the metrics.
		 * @return the tag value
		 */
		public String tag() {
			return this.tag;
		}

	}

}
