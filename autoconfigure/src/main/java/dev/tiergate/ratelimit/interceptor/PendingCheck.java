package dev.tiergate.ratelimit.interceptor;

import java.util.concurrent.CompletableFuture;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;

/**
 * A started check of a call that returns later: the decision to come, and the listener
 * bound to the caller (its request) that is told about it.
 *
 * @param decision the decision to come
 * @param listener the listener, bound to the caller
 */
record PendingCheck(CompletableFuture<RateLimitDecision> decision, RateLimitListener listener) {

	/**
	 * Tells the listener about a decision.
	 * @param decided the decision
	 * @return the decision, when allowed
	 * @throws RateLimitExceededException when rejected
	 */
	RateLimitDecision allowedOrThrow(RateLimitDecision decided) {
		this.listener.onDecision(decided);
		if (!decided.isAllowed()) {
			throw new RateLimitExceededException(decided);
		}
		return decided;
	}

}
