package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * A named family of token buckets, one per client: its limits, all of which a call must
 * pass, and what it does while Redis is away.
 *
 * @param name the name, as in {@code @RateLimited("chat")}
 * @param limits the limits, at least one; the first is the tier's main limit
 * @param onRedisFailure what to do while Redis cannot be reached
 */
public record RateLimitTier(String name, List<Limit> limits, OnRedisFailure onRedisFailure) {

	/**
	 * Creates a tier, checking its arguments.
	 * @param name the name
	 * @param limits the limits, at least one
	 * @param onRedisFailure what to do while Redis cannot be reached
	 */
	public RateLimitTier {
		if (name.isBlank()) {
			throw new IllegalArgumentException("A rate-limit tier needs a name");
		}
		if (limits.isEmpty()) {
			throw new IllegalArgumentException("Rate-limit tier '" + name + "' has no limit");
		}
		limits = List.copyOf(limits);
	}

	/**
	 * Returns the smallest capacity of the tier's limits: no call may cost more.
	 * @return the smallest capacity
	 */
	public long smallestCapacity() {
		return this.limits.stream().mapToLong(Limit::capacity).min().orElseThrow();
	}

	/**
	 * Returns how long an empty bucket of this tier takes to be full again: after that
	 * long without calls, a client's bucket can be forgotten.
	 * @return the time to fill every limit from empty
	 */
	public Duration timeToFill() {
		long nanos = 0;
		for (Limit limit : this.limits) {
			nanos = Math.max(nanos, limit.nanosToFill(limit.capacity()));
		}
		return Duration.ofNanos(nanos);
	}

	/**
	 * One token bucket: it holds at most {@code capacity} tokens and gains
	 * {@code refillTokens} every {@code refillPeriod}, continuously (a quarter of the
	 * tokens after a quarter of the period). A new bucket is full.
	 * <p>
	 * Tokens are counted exactly, in units of {@link #scale() 1/scale} token, as integers:
	 * the refill of one microsecond is a whole number of units, so no rounding error
	 * builds up, in this JVM or in Redis's Lua (whose numbers are doubles, exact up to
	 * 2<sup>53</sup>).
	 *
	 * @param capacity the most tokens the bucket holds, and the burst a client may send
	 * @param refillTokens the tokens added per period
	 * @param refillPeriod the period, a whole number of microseconds, at least 1ms
	 */
	public record Limit(long capacity, long refillTokens, Duration refillPeriod) {

		/** Largest integer a Lua number (a double) holds exactly. */
		static final long LUA_EXACT_MAX = 1L << 53;

		/**
		 * Creates a limit, checking its arguments.
		 * @param capacity the capacity, positive
		 * @param refillTokens the tokens added per period, positive
		 * @param refillPeriod the period, at least 1ms
		 */
		public Limit {
			if (capacity <= 0) {
				throw new IllegalArgumentException("capacity must be positive but was " + capacity);
			}
			if (refillTokens <= 0) {
				throw new IllegalArgumentException("refill tokens must be positive but was " + refillTokens);
			}
			if (refillPeriod.compareTo(Duration.ofMillis(1)) < 0) {
				throw new IllegalArgumentException("refill period must be at least 1ms but was " + refillPeriod);
			}
			if (refillPeriod.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
				throw new IllegalArgumentException(
						"refill period must be shorter than 292 years (a long of nanoseconds) but was " + refillPeriod);
			}
			if (refillPeriod.toNanos() % 1000 != 0) {
				throw new IllegalArgumentException(
						"refill period must be a whole number of microseconds but was " + refillPeriod);
			}
			long scale = refillPeriod.toNanos() / 1000 / gcd(refillPeriod.toNanos() / 1000, refillTokens);
			if (capacity > LUA_EXACT_MAX / scale) {
				throw new IllegalArgumentException("capacity " + capacity + " with a refill of " + refillTokens
						+ " per " + refillPeriod + " needs more than 53 bits to count tokens exactly");
			}
		}

		/**
		 * Returns into how many units one token is divided, so that one microsecond of
		 * refill is a whole number of units.
		 * @return the units per token
		 */
		public long scale() {
			long periodMicros = this.refillPeriod.toNanos() / 1000;
			return periodMicros / gcd(periodMicros, this.refillTokens);
		}

		/**
		 * Returns how many units one microsecond adds.
		 * @return the units per microsecond
		 */
		public long unitsPerMicro() {
			return this.refillTokens / gcd(this.refillPeriod.toNanos() / 1000, this.refillTokens);
		}

		/**
		 * Returns how long it takes to gain a number of tokens.
		 * @param tokens the tokens
		 * @return the time in nanoseconds, rounded up
		 */
		public long nanosToFill(long tokens) {
			try {
				return ceilDiv(Math.multiplyExact(tokens, this.refillPeriod.toNanos()), this.refillTokens);
			}
			catch (ArithmeticException ex) {
				return Long.MAX_VALUE;
			}
		}

		private static long ceilDiv(long dividend, long divisor) {
			return -Math.floorDiv(-dividend, divisor);
		}

		private static long gcd(long a, long b) {
			return (b == 0) ? a : gcd(b, a % b);
		}

	}

}
