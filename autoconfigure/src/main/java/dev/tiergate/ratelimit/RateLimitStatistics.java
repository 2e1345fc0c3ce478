package dev.tiergate.ratelimit;

import java.util.concurrent.atomic.LongAdder;

import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;

/**
 * The checks of one tier since startup, by outcome (a shadow tier's refusals apart) and
 * by where the bucket was. The one
 * place they are counted: Micrometer and the actuator endpoint read these counters.
 */
public final class RateLimitStatistics {

	private final LongAdder[][] checks = new LongAdder[Outcome.values().length][Enforcement.values().length];

	private final LongAdder[] settledTokens = new LongAdder[Settlement.values().length];

	private final LongAdder failedSettlements = new LongAdder();

	RateLimitStatistics() {
		for (int i = 0; i < this.settledTokens.length; i++) {
			this.settledTokens[i] = new LongAdder();
		}
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

	void recordSettlement(long tokens) {
		this.settledTokens[((tokens < 0) ? Settlement.REFUNDED : Settlement.CHARGED).ordinal()].add(Math.abs(tokens));
	}

	void recordFailedSettlement() {
		this.failedSettlements.increment();
	}

	/**
	 * Returns the tokens given back to or taken from buckets after calls, by token
	 * budgets ({@code actualCostExpression}) and refunds on error.
	 * @param settlement refunded or charged
	 * @return the tokens
	 */
	public long settledTokens(Settlement settlement) {
		return this.settledTokens[settlement.ordinal()].sum();
	}

	/**
	 * Returns the number of settlements that could not be made (the actual cost could not
	 * be computed, or Redis could not be reached); the calls themselves went on.
	 * @return the failed settlements
	 */
	public long failedSettlements() {
		return this.failedSettlements.sum();
	}

	/**
	 * Returns the number of checks made in Redis or in this JVM, whatever their outcome.
	 * @param enforcement where the checks to count were made
	 * @return the number of checks
	 */
	public long checks(Enforcement enforcement) {
		long checks = 0;
		for (Outcome outcome : Outcome.values()) {
			checks += checks(outcome, enforcement);
		}
		return checks;
	}

	/**
	 * Returns the number of allowed calls.
	 * @return the allowed calls, wherever checked
	 */
	public long allowed() {
		return checks(Outcome.ALLOWED, Enforcement.DISTRIBUTED) + checks(Outcome.ALLOWED, Enforcement.LOCAL);
	}

	/**
	 * Returns the number of calls of a shadow tier that its buckets refused and that went on.
	 * @return the calls that would have been rejected, wherever checked
	 */
	public long shadowRejected() {
		return checks(Outcome.SHADOW_REJECTED, Enforcement.DISTRIBUTED)
				+ checks(Outcome.SHADOW_REJECTED, Enforcement.LOCAL);
	}

	/**
	 * Returns the number of rejected calls.
	 * @return the rejected calls, wherever checked
	 */
	public long rejected() {
		return checks(Outcome.REJECTED, Enforcement.DISTRIBUTED) + checks(Outcome.REJECTED, Enforcement.LOCAL);
	}

	/**
	 * Which way tokens went when a call was settled.
	 */
	public enum Settlement {

		/** Given back: the call cost less than was taken, or failed. */
		REFUNDED("refunded"),

		/** Taken after the call: it cost more than was taken. */
		CHARGED("charged");

		private final String tag;

		Settlement(String tag) {
			this.tag = tag;
		}

		/**
		 * Returns the value of the {@code direction} tag of the metrics.
		 * @return the tag value
		 */
		public String tag() {
			return this.tag;
		}

	}

}
