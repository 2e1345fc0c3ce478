package dev.tiergate.ratelimit;

import java.util.concurrent.atomic.LongAdder;

/**
 * The checks of one tier since startup, by result and by where the bucket was. The one
 * place they are counted: Micrometer and the actuator endpoint read these counters.
 */
public final class RateLimitStatistics {

	private final LongAdder allowedDistributed = new LongAdder();

	private final LongAdder rejectedDistributed = new LongAdder();

	private final LongAdder allowedLocal = new LongAdder();

	private final LongAdder rejectedLocal = new LongAdder();

	void record(boolean allowed, boolean distributed) {
		if (distributed) {
			(allowed ? this.allowedDistributed : this.rejectedDistributed).increment();
		}
		else {
			(allowed ? this.allowedLocal : this.rejectedLocal).increment();
		}
	}

	/**
	 * Returns the number of checks with a result, made in Redis or in this JVM.
	 * @param allowed whether to count allowed or rejected calls
	 * @param distributed whether to count checks made in Redis or in this JVM
	 * @return the number of checks
	 */
	public long checks(boolean allowed, boolean distributed) {
		if (distributed) {
			return (allowed ? this.allowedDistributed : this.rejectedDistributed).sum();
		}
		return (allowed ? this.allowedLocal : this.rejectedLocal).sum();
	}

	/**
	 * Returns the number of allowed calls.
	 * @return the allowed calls, wherever checked
	 */
	public long allowed() {
		return checks(true, true) + checks(true, false);
	}

	/**
	 * Returns the number of rejected calls.
	 * @return the rejected calls, wherever checked
	 */
	public long rejected() {
		return checks(false, true) + checks(false, false);
	}

}
