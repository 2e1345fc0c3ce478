package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A named family of token buckets, one per client: its limits, all of which a call must
 * pass, what it does while Redis is away, whether it refuses calls or only counts them,
 * and what one token stands for.
 *
 * @param name the name, as in {@code @RateLimited("chat")}
 * @param limits the limits, at least one; the first is the tier's main limit
 * @param onRedisFailure what to do while Redis cannot be reached
 * @param mode whether a call the buckets refuse is refused ({@link Mode#ENFORCE}) or
 * allowed and counted ({@link Mode#SHADOW})
 * @param unit what a token counts, the quota unit of the IETF {@code RateLimit-Policy}
 * field: {@value #REQUESTS}, {@code content-bytes}, {@code concurrent-requests} or another
 * lower-case name
 * @param concurrency how many calls of one client may be in flight at once, {@code null}
 * for no such limit
 */
public record RateLimitTier(String name, List<Limit> limits, OnRedisFailure onRedisFailure, Mode mode,
		String unit, @Nullable Concurrency concurrency) {

	/** The quota unit of a tier whose calls cost one token each, unless a cost says otherwise. */
	public static final String REQUESTS = "requests";

	/**
	 * Creates a tier, checking its arguments.
	 * @param name the name
	 * @param limits the limits, at least one
	 * @param onRedisFailure what to do while Redis cannot be reached
	 * @param mode whether refused calls are refused or only counted
	 * @param unit what a token counts, a lower-case name such as {@value #REQUESTS}
	 * @param concurrency the most calls of one client in flight, {@code null} for no limit
	 */
	public RateLimitTier {
		if (name.isBlank()) {
			throw new IllegalArgumentException("A rate-limit tier needs a name");
		}
		if (limits.isEmpty()) {
			throw new IllegalArgumentException("Rate-limit tier '" + name + "' has no limit");
		}
		if (!unit.matches("[a-z][a-z0-9-]*")) {
			throw new IllegalArgumentException("unit must be a lower-case name such as requests or content-bytes"
					+ " but was '" + unit + "'");
		}
		limits = List.copyOf(limits);
	}

	/**
	 * Creates an enforced tier of requests without a concurrency limit.
	 * @param name the name
	 * @param limits the limits, at least one
	 * @param onRedisFailure what to do while Redis cannot be reached
	 */
	public RateLimitTier(String name, List<Limit> limits, OnRedisFailure onRedisFailure) {
		this(name, limits, onRedisFailure, Mode.ENFORCE, REQUESTS, null);
	}

	/**
	 * Creates an enforced tier of requests.
	 * @param name the name
	 * @param limits the limits, at least one
	 * @param onRedisFailure what to do while Redis cannot be reached
	 * @param concurrency the most calls of one client in flight, {@code null} for no limit
	 */
	public RateLimitTier(String name, List<Limit> limits, OnRedisFailure onRedisFailure,
			@Nullable Concurrency concurrency) {
		this(name, limits, onRedisFailure, Mode.ENFORCE, REQUESTS, concurrency);
	}

	/**
	 * Returns a plan of this tier: the same tier with other limits, whose buckets are
	 * apart from the tier's, named {@code <tier>:<plan>} (a name no configured tier can
	 * have) in keys, headers and messages. Mode, unit and concurrency limit are the tier's.
	 * @param plan the plan name
	 * @param limits the plan's limits, at least one
	 * @return the plan, as a tier
	 */
	public RateLimitTier plan(String plan, List<Limit> limits) {
		if (plan.isBlank()) {
			throw new IllegalArgumentException("A plan of rate-limit tier '" + this.name + "' needs a name");
		}
		return new RateLimitTier(this.name + ":" + plan, limits, this.onRedisFailure, this.mode, this.unit,
				this.concurrency);
	}

	/**
	 * Returns this tier with another main limit, its extra limits and everything else as
	 * they are.
	 * @param main the new main limit
	 * @return the changed tier
	 */
	public RateLimitTier withMainLimit(Limit main) {
		List<Limit> changed = new ArrayList<>(this.limits);
		changed.set(0, main);
		return new RateLimitTier(this.name, changed, this.onRedisFailure, this.mode, this.unit, this.concurrency);
	}

	/**
	 * Whether a tier refuses the calls its buckets refuse.
	 */
	public enum Mode {

		/** A call the buckets refuse is refused. */
		ENFORCE,

		/**
		 * Every call is checked and counted, and a call the buckets refuse is allowed,
		 * counted as {@code shadow-rejected}: for trying a limit on live traffic.
		 */
		SHADOW

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
	 * At most {@code maxCalls} calls of one client in flight at once, across every
	 * instance: each holds a lease that ends when the call does, or after
	 * {@code leaseTtl} if its instance died (or the call outlived it).
	 *
	 * @param maxCalls the most calls in flight, at least 1
	 * @param leaseTtl how long a lease lasts at most, at least 1s
	 */
	public record Concurrency(int maxCalls, Duration leaseTtl) {

		/**
		 * Creates a concurrency limit, checking its arguments.
		 * @param maxCalls the most calls in flight, at least 1
		 * @param leaseTtl how long a lease lasts at most, at least 1s
		 */
		public Concurrency {
			if (maxCalls < 1) {
				throw new IllegalArgumentException("max concurrent calls must be positive but was " + maxCalls);
			}
			if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException("lease TTL must be at least 1s but was " + leaseTtl);
			}
		}

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

		static long gcd(long a, long b) {
			return (b == 0) ? a : gcd(b, a % b);
		}

	}

}
