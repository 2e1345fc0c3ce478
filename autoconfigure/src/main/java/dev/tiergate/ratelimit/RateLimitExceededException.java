package dev.tiergate.ratelimit;

import java.time.Duration;

/**
 * Thrown instead of calling a {@link RateLimited @RateLimited} method when the caller's
 * bucket does not hold the tokens the call costs. In a Spring MVC request tiergate
 * answers it with HTTP 429, the {@code Retry-After} header and an RFC 9457 problem body;
 * an {@code @ExceptionHandler} of the application's own takes precedence.
 * <p>
 * It carries no stack trace: it is thrown for every rejected call, possibly thousands a
 * second from one abusive client, and where it was thrown is always the same.
 */
public class RateLimitExceededException extends RuntimeException {

	private final transient RateLimitDecision decision;

	/**
	 * Creates an exception for a rejected call.
	 * @param decision the decision that rejected it
	 */
	public RateLimitExceededException(RateLimitDecision decision) {
		super((decision.isConcurrencyLimited() ? "Concurrency limit of tier '" + decision.tier().name()
				+ "' reached (too many calls in flight)" : "Rate limit of tier '" + decision.tier().name() + "' exceeded")
				+ "; retry after " + decision.retryAfterSeconds() + "s", null, false, false);
		this.decision = decision;
	}

	/**
	 * Returns the tier whose limit was exceeded.
	 * @return the tier name
	 */
	public String getTier() {
		return this.decision.tier().name();
	}

	/**
	 * Returns the capacity of the exceeded limit.
	 * @return the capacity
	 */
	public long getLimit() {
		return this.decision.capacity();
	}

	/**
	 * Returns the whole tokens left in the exceeded limit (fewer than the call cost).
	 * @return the tokens left
	 */
	public long getRemaining() {
		return this.decision.remaining();
	}

	/**
	 * Returns how long until the call would be allowed.
	 * @return the time to wait
	 */
	public Duration getRetryAfter() {
		return this.decision.retryAfter();
	}

	/**
	 * Returns how long until the exceeded limit is full again.
	 * @return the time to fill
	 */
	public Duration getReset() {
		return this.decision.reset();
	}

	/**
	 * Returns the whole decision.
	 * @return the decision
	 */
	public RateLimitDecision getDecision() {
		return this.decision;
	}

}
