package dev.tiergate.ratelimit;

/**
 * Told about every check of a {@link RateLimited @RateLimited} call, allowed or not,
 * before the method runs or the rejection is thrown: for example to write the
 * {@code X-RateLimit-*} headers of the current HTTP response.
 */
@FunctionalInterface
public interface RateLimitListener {

	/** A listener that does nothing. */
	RateLimitListener NONE = (decision) -> {
	};

	/**
	 * Called with the decision of one check.
	 * @param decision the decision
	 */
	void onDecision(RateLimitDecision decision);

}
