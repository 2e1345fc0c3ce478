package dev.tiergate.cache.redis;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Whether an instance receives the other instances' cache invalidations, since when, and
 * why not.
 *
 * @param state the state of the subscription
 * @param since when it entered that state
 * @param reason why it is not subscribed (for example the {@code NOPERM} of an ACL without
 * the channel), or {@code null} when it is subscribed or still subscribing
 */
public record InvalidationSubscription(State state, Instant since, @Nullable String reason) {

	/**
	 * Returns whether invalidations reach this instance.
	 * @return whether subscribed
	 */
	public boolean isSubscribed() {
		return this.state == State.SUBSCRIBED;
	}

	/** The states of the subscription. */
	public enum State {

		/** The first attempt has not finished yet. */
		SUBSCRIBING,

		/** Redis confirmed the subscription, and the self-check, if any, gets its messages back. */
		SUBSCRIBED,

		/** Invalidations do not reach this instance; attempts go on with backoff. */
		NOT_SUBSCRIBED

	}

}
