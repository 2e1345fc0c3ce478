package dev.tiergate.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * What happened in one {@link TieredCache} since it was created: lookups per tier, loads,
 * absorbed failures, stale answers and invalidations. Counting is cheap and contention
 * free ({@link LongAdder}); metrics and the actuator endpoint read these counters rather
 * than counting again.
 */
public final class CacheStatistics {

	private final LongAdder l1Hits = new LongAdder();

	private final LongAdder l1Misses = new LongAdder();

	private final LongAdder l2Hits = new LongAdder();

	private final LongAdder l2Misses = new LongAdder();

	private final LongAdder loadSuccesses = new LongAdder();

	private final LongAdder loadFailures = new LongAdder();

	private final LongAdder staleServed = new LongAdder();

	private final LongAdder invalidationsSent = new LongAdder();

	private final LongAdder invalidationsReceived = new LongAdder();

	/** By {@link ErrorKind#ordinal()}: an array, so that no lookup can miss. */
	private final LongAdder[] errors = new LongAdder[ErrorKind.values().length];

	CacheStatistics() {
		for (ErrorKind kind : ErrorKind.values()) {
			this.errors[kind.ordinal()] = new LongAdder();
		}
	}

	void recordL1Get(boolean hit) {
		(hit ? this.l1Hits : this.l1Misses).increment();
	}

	void recordL2Get(boolean hit) {
		(hit ? this.l2Hits : this.l2Misses).increment();
	}

	void recordLoad(boolean success) {
		(success ? this.loadSuccesses : this.loadFailures).increment();
	}

	void recordStaleServed() {
		this.staleServed.increment();
	}

	void recordInvalidation(boolean sent) {
		(sent ? this.invalidationsSent : this.invalidationsReceived).increment();
	}

	void recordError(ErrorKind kind) {
		this.errors[kind.ordinal()].increment();
	}

	public long l1Hits() {
		return this.l1Hits.sum();
	}

	public long l1Misses() {
		return this.l1Misses.sum();
	}

	public long l2Hits() {
		return this.l2Hits.sum();
	}

	public long l2Misses() {
		return this.l2Misses.sum();
	}

	public long loadSuccesses() {
		return this.loadSuccesses.sum();
	}

	public long loadFailures() {
		return this.loadFailures.sum();
	}

	public long staleServed() {
		return this.staleServed.sum();
	}

	public long invalidationsSent() {
		return this.invalidationsSent.sum();
	}

	public long invalidationsReceived() {
		return this.invalidationsReceived.sum();
	}

	/**
	 * Returns the failures of a kind that the cache absorbed.
	 * @param kind the kind
	 * @return the count
	 */
	public long errors(ErrorKind kind) {
		return this.errors[kind.ordinal()].sum();
	}

	/**
	 * Returns the share of lookups that hit, in a tier.
	 * @param l1 the tier: L1 if {@code true}, otherwise L2
	 * @return the hit ratio between 0 and 1, or 0 before any lookup
	 */
	public double hitRatio(boolean l1) {
		long hits = l1 ? l1Hits() : l2Hits();
		long total = hits + (l1 ? l1Misses() : l2Misses());
		return (total != 0) ? (double) hits / total : 0;
	}

	/**
	 * Failures a {@link TieredCache} absorbs instead of passing them to the caller.
	 */
	public enum ErrorKind {

		/** A Redis command failed or timed out; the call went on without L2. */
		REDIS("redis"),

		/** Bytes in L2 could not be decoded; treated as a miss and overwritten. */
		DECODE("decode"),

		/** A result could not be encoded; it was kept in L1 only. */
		ENCODE("encode"),

		/** A key could not be encoded for Redis; the call went on without L2. */
		KEY("key"),

		/** A value was larger than the largest value written to L2; it was kept in L1 only. */
		TOO_LARGE("too-large");

		private final String tag;

		ErrorKind(String tag) {
			this.tag = tag;
		}

		/**
		 * Returns the value of the {@code kind} metric tag.
		 * @return the tag value
		 */
		public String tag() {
			return this.tag;
		}

	}

}
