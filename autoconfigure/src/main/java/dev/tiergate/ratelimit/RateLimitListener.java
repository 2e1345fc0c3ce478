package dev.tiergate.ratelimit;

import java.util.List;

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

	/**
	 * Returns a listener bound to what the current call's thread holds (such as the
	 * current HTTP request), for a decision that completes later on another thread: the
	 * check of a method returning a {@code CompletableFuture}, {@code Mono} or {@code Flux}.
	 * @return the bound listener, or this listener when there is nothing to bind (also
	 * when it needs nothing of the calling thread)
	 */
	default RateLimitListener forCurrentCall() {
		return this;
	}

	/**
	 * Returns a listener that tells each of several listeners, in order.
	 * @param listeners the listeners
	 * @return one listener for all of them
	 */
	static RateLimitListener all(List<RateLimitListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> NONE;
			case 1 -> listeners.get(0);
			default -> new CompositeRateLimitListener(List.copyOf(listeners));
		};
	}

}
