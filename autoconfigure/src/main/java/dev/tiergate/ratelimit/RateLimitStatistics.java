package dev.tiergate.ratelimit;

import java.util.concurrent.atomic.LongAdder;

import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;

/**
 * The checks of one tier since startup, by outcome and by where the bucket was. The one
 * place they are counted: Micrometer and the actuator endpoint read these counters.
 */
public final class RateLimitStatistics {

	private final LongAdder[][] checks = new LongAdder[Outcome.values().length][Enforcement.values().length];

	RateLimitStatistics() {
		for (LongAdder[] byEnforcement : this.checks) {
			for (int i = 0; i < byEnforcement.length; i++) {
				byEnforcement[i] = new LongAdder();
			}
		}
	}

	void record(Outcome outcome, Enforcement enforcement) {
		this.checks[outcome.ordinal()][enforcement.ordinal()].increment();
	}

	/**
	 * Returns the number of checks with an outcome, made in Redis or in this JVM.
	 * @param outcome the outcome to count
	 * @param enforcement where the checks to count were made
	 * @return the number of checks
	 */
	public long checks(Outcome outcome, Enforcement enforcement) {
		return this.checks[outcome.ordinal()][enforcement.ordinal()].sum();
	}

	/**
	 * Returns the number of checks made in Redis or in this JVM, whatever their outcome.
	 * @param enforcement where the checks to count were made
	 * @return the number of checks
	 */
	public long checks(Enforcement enforcement) {
		return checks(Outcome.ALLOWED, enforcement) + checks(Outcome.REJECTED, enforcement);
	}

	/**
	 * Returns the number of allowed calls.
	 * @return the allowed calls, wherever checked
	 */
	public long allowed() {
		return checks(Outcome.ALLOWED, Enforcement.DISTRIBUTED) + checks(Outcome.ALLOWED, Enforcement.LOCAL);
	}

	/**
	 * Returns the number of rejected calls.
	 * @return the rejected calls, wherever checked
	 */
	public long rejected() {
		return checks(Outcome.REJECTED, Enforcement.DISTRIBUTED) + checks(Outcome.REJECTED, Enforcement.LOCAL);
	}

}
