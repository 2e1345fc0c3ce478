package dev.tiergate.ratelimit.web;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitListener;

/**
 * Writes the {@linkplain RateLimitHeaders rate-limit headers} of every decision made
 * while handling a WebFlux request, allowed or rejected, before the response is
 * committed: the decisions of {@code @RateLimited} methods returning {@code Mono} or
 * {@code Flux} and of the route filter. When one request makes several checks, the
 * headers describe the one with the fewest tokens left, or the last rejection.
 */
public final class ReactiveRateLimitResponseHeaders implements RateLimitListener {

	private final RateLimitHeaders headers;

	/**
	 * Creates a writer.
	 * @param rateLimitHeaders whether to write the {@code X-RateLimit-*} headers
	 * @param ietfHeaders whether to write the IETF draft {@code RateLimit-Policy} and
	 * {@code RateLimit} fields
	 */
	public ReactiveRateLimitResponseHeaders(boolean rateLimitHeaders, boolean ietfHeaders) {
		this.headers = new RateLimitHeaders(rateLimitHeaders, ietfHeaders);
	}

	@Override
	public void onDecision(RateLimitDecision decision) {
		ReactiveRateLimitRequest request = ReactiveRateLimitRequest.current();
		if (request != null) {
			request.report(decision, this.headers);
		}
	}

	/** Binds the request whose check is starting, as the decision completes on another thread. */
	@Override
	public RateLimitListener forCurrentCall() {
		ReactiveRateLimitRequest request = ReactiveRateLimitRequest.current();
		if (request == null) {
			return this;
		}
		return (decision) -> request.report(decision, this.headers);
	}

}
