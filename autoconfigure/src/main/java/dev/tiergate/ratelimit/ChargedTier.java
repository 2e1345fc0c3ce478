package dev.tiergate.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * The tier whose tokens a rate-limit route already took for the request this thread is
 * handling, so that a {@code @RateLimited} method of that tier called while handling it
 * does not take them twice. Set by the servlet route filter around the rest of its filter
 * chain, on the thread; by the WebFlux one in the Reactor context, under
 * {@link #CONTEXT_KEY}.
 */
public final class ChargedTier {

	/** The key, in the Reactor context of a WebFlux request, of the tier a route charged. */
	public static final String CONTEXT_KEY = ChargedTier.class.getName();

	private static final ThreadLocal<@Nullable String> current = new ThreadLocal<>();

	private ChargedTier() {
	}

	/**
	 * Marks a tier as charged for this thread.
	 * @param tier the tier a route charged
	 * @return the tier marked before, to give to {@link #restore(String)}
	 */
	public static @Nullable String enter(String tier) {
		String previous = current.get();
		current.set(tier);
		return previous;
	}

	/**
	 * Restores the mark that {@link #enter(String)} replaced.
	 * @param previous the tier marked before, or {@code null}
	 */
	public static void restore(@Nullable String previous) {
		if (previous == null) {
			current.remove();
		}
		else {
			current.set(previous);
		}
	}

	/**
	 * Returns whether a route charged a tier for this thread's request.
	 * @param tier the tier
	 * @return whether its tokens were taken already
	 */
	public static boolean is(String tier) {
		return tier.equals(current.get());
	}

}
