package dev.tiergate.ratelimit.web;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes the {@linkplain RateLimitHeaders rate-limit headers} of every decision made
 * while handling a Spring MVC request, allowed or rejected, before the handler runs. When
 * one request makes several checks, the headers describe the one with the fewest tokens
 * left, or the last rejection.
 */
public final class RateLimitResponseHeaders implements RateLimitListener {

	private static final String REPORTED = RateLimitResponseHeaders.class.getName() + ".reported";

	private final RateLimitHeaders headers;

	/**
	 * Creates a writer.
	 * @param rateLimitHeaders whether to write the {@code X-RateLimit-*} headers
	 * @param ietfHeaders whether to write the IETF draft {@code RateLimit-Policy} and
	 * {@code RateLimit} fields
	 */
	public RateLimitResponseHeaders(boolean rateLimitHeaders, boolean ietfHeaders) {
		this.headers = new RateLimitHeaders(rateLimitHeaders, ietfHeaders);
	}

	@Override
	public void onDecision(RateLimitDecision decision) {
		HttpServletRequest request = CurrentRequest.request();
		HttpServletResponse response = CurrentRequest.response();
		if (request != null && response != null) {
			write(request, response, decision);
		}
	}

	/**
	 * Binds the request of the current thread, for a decision that completes on another
	 * thread (a controller returning {@code CompletableFuture}, {@code Mono} or
	 * {@code Flux}, server-sent events included): the headers are written before the
	 * method's result, so before the response is committed.
	 */
	@Override
	public RateLimitListener forCurrentCall() {
		HttpServletRequest request = CurrentRequest.request();
		HttpServletResponse response = CurrentRequest.response();
		if (request == null || response == null) {
			return this;
		}
		return (decision) -> write(request, response, decision);
	}

	private void write(HttpServletRequest request, HttpServletResponse response, RateLimitDecision decision) {
		if (response.isCommitted() || !RateLimitHeaders.supersedes(request.getAttribute(REPORTED), decision)) {
			return;
		}
		request.setAttribute(REPORTED, decision);
		this.headers.write(decision, response::setHeader);
	}

}
