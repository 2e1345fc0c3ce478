package dev.tiergate.ratelimit;

import java.util.ArrayList;
import java.util.List;

/**
 * Several listeners as one, each bound to the current call when a decision comes later.
 */
final class CompositeRateLimitListener implements RateLimitListener {

	private final List<RateLimitListener> listeners;

	CompositeRateLimitListener(List<RateLimitListener> listeners) {
		this.listeners = listeners;
	}

	@Override
	public void onDecision(RateLimitDecision decision) {
		for (RateLimitListener listener : this.listeners) {
			listener.onDecision(decision);
		}
	}

	/** This listener itself when none of them had anything to bind, so callers can tell that nothing was bound. */
	@Override
	public RateLimitListener forCurrentCall() {
		List<RateLimitListener> bound = new ArrayList<>(this.listeners.size());
		boolean anyBound = false;
		for (RateLimitListener listener : this.listeners) {
			RateLimitListener forCall = listener.forCurrentCall();
			anyBound |= forCall != listener;
			bound.add(forCall);
		}
		return anyBound ? new CompositeRateLimitListener(bound) : this;
	}

}
