package dev.tiergate.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the plan of a call, whose limits then apply instead of the tier's own: for
 * example {@code "pro"} for callers with the authority {@code PLAN_PRO}, or the plan an
 * API key was sold with. Plans are configured per tier
 * ({@code tiergate.rate-limit.tiers.<tier>.plans.<plan>.*}); each client has a bucket per
 * plan. It runs on the calling thread before each check, so it can read thread-bound
 * state such as Spring Security's context, and it should be quick (cache a lookup).
 */
@FunctionalInterface
public interface PlanResolver {

	/** Every call uses its tier's own limits. */
	PlanResolver NONE = (tier, clientKey) -> null;

	/**
	 * Returns the plan of the current call.
	 * @param tier the tier checked
	 * @param clientKey the client, as its key resolver or key expression gave it (not hashed)
	 * @return a plan of the tier, or {@code null} for the tier's own limits; a name the tier
	 * has no plan of also gets the tier's own limits, with a warning logged once per name
	 */
	@Nullable String resolve(String tier, String clientKey);

}
