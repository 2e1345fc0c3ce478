package dev.tiergate.cache;

/**
 * What reading a key from L2 found. Values are as L1 holds them: a cached {@code null} is
 * {@link L1Tier#NULL}.
 */
sealed interface L2Read {

	/** L2 did not hold the key, or held bytes that count as absent (undecodable, of an earlier generation). */
	L2Read MISS = new Miss();

	/** Redis failed or timed out: the rest of the call goes without it. */
	L2Read UNAVAILABLE = new Unavailable();

	/**
	 * A fresh value.
	 * @param value the value
	 * @param refreshDue whether it expires soon enough to be reloaded ahead
	 */
	record Hit(Object value, boolean refreshDue) implements L2Read {
	}

	/**
	 * A value past its fresh TTL, which may only answer for a failing method.
	 * @param value the value
	 */
	record Stale(Object value) implements L2Read {
	}

	/** See {@link #MISS}. */
	final class Miss implements L2Read {

		private Miss() {
		}

	}

	/** See {@link #UNAVAILABLE}. */
	final class Unavailable implements L2Read {

		private Unavailable() {
		}

	}

}
