package dev.tiergate.ratelimit.web;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitTier;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes the rate-limit headers of every decision made while handling a Spring MVC
 * request, allowed or rejected, before the handler runs:
 * <ul>
 * <li>{@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} (seconds until full) of the limit closest to exhaustion,
 * unless switched off;</li>
 * <li>optionally the IETF draft fields {@code RateLimit-Policy}
 * ({@code "chat";q=5;w=50}: every limit of the tier, {@code w} being the seconds an empty
 * bucket takes to fill) and {@code RateLimit} ({@code "chat";r=0;t=50});</li>
 * <li>{@code Retry-After} (seconds, at least 1) when rejected, always.</li>
 * </ul>
 * When one request makes several checks, the headers describe the one with the fewest
 * tokens left, or the last rejection.
 */
public final class RateLimitResponseHeaders implements RateLimitListener {

	private static final String REPORTED = RateLimitResponseHeaders.class.getName() + ".reported";

	private final boolean rateLimitHeaders;

	private final boolean ietfHeaders;

	private final ConcurrentMap<String, String> policies = new ConcurrentHashMap<>();

	/**
	 * Creates a writer.
	 * @param rateLimitHeaders whether to write the {@code X-RateLimit-*} headers
	 * @param ietfHeaders whether to write the IETF draft {@code RateLimit-Policy} and
	 * {@code RateLimit} fields
	 */
	public RateLimitResponseHeaders(boolean rateLimitHeaders, boolean ietfHeaders) {
		this.rateLimitHeaders = rateLimitHeaders;
		this.ietfHeaders = ietfHeaders;
	}

	@Override
	public void onDecision(RateLimitDecision decision) {
		HttpServletRequest request = CurrentRequest.request();
		HttpServletResponse response = CurrentRequest.response();
		if (request == null || response == null || response.isCommitted()) {
			return;
		}
		if (decision.isAllowed() && request.getAttribute(REPORTED) instanceof RateLimitDecision earlier
				&& (!earlier.isAllowed() || earlier.remaining() <= decision.remaining())) {
			return;
		}
		request.setAttribute(REPORTED, decision);
		if (this.rateLimitHeaders) {
			response.setHeader("X-RateLimit-Limit", Long.toString(decision.capacity()));
			response.setHeader("X-RateLimit-Remaining", Long.toString(decision.remaining()));
			response.setHeader("X-RateLimit-Reset", Long.toString(decision.resetSeconds()));
		}
		if (this.ietfHeaders) {
			RateLimitTier tier = decision.tier();
			response.setHeader("RateLimit-Policy", this.policies.computeIfAbsent(tier.name(), (name) -> policy(tier)));
			response.setHeader("RateLimit", "\"" + policyName(tier, decision.limitIndex()) + "\";r="
					+ decision.remaining() + ";t=" + decision.resetSeconds());
		}
		if (!decision.isAllowed()) {
			response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
		}
	}

	private static String policy(RateLimitTier tier) {
		StringBuilder policy = new StringBuilder();
		List<RateLimitTier.Limit> limits = tier.limits();
		for (int i = 0; i < limits.size(); i++) {
			RateLimitTier.Limit limit = limits.get(i);
			long windowNanos = limit.nanosToFill(limit.capacity());
			long windowSeconds = Math.max(1, (windowNanos + 999_999_999L) / 1_000_000_000L);
			if (i > 0) {
				policy.append(", ");
			}
			policy.append('"')
				.append(policyName(tier, i))
				.append("\";q=")
				.append(limit.capacity())
				.append(";w=")
				.append(windowSeconds);
		}
		return policy.toString();
	}

	/** The tier's name for its main limit, then {@code <tier>-1}, {@code <tier>-2} for its extra limits. */
	private static String policyName(RateLimitTier tier, int index) {
		return (index == 0) ? tier.name() : tier.name() + "-" + index;
	}

}
