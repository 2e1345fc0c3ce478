package dev.tiergate.ratelimit.web;

import java.util.List;
import java.util.Set;

import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * One rate-limit route of configuration ({@code tiergate.rate-limit.routes}), checked at
 * startup, as the servlet filter and the WebFlux filter apply it.
 *
 * @param pattern the path pattern
 * @param methods the HTTP methods it applies to, upper case; empty for every method
 * @param limiter the limiter of its tier
 * @param keyResolver how its clients are told apart
 * @param cost the tokens a request takes, from 1 to the tier's smallest capacity
 */
public record RateLimitRoute(PathPattern pattern, Set<String> methods, TierRateLimiter limiter,
		ClientKeyResolver keyResolver, long cost) {

	/**
	 * Creates a route.
	 * @param pattern the path pattern
	 * @param methods the HTTP methods, upper case, empty for all
	 * @param limiter the limiter of its tier
	 * @param keyResolver how its clients are told apart
	 * @param cost the tokens a request takes
	 */
	public RateLimitRoute {
		methods = Set.copyOf(methods);
	}

	boolean matches(String method, PathContainer path) {
		return (this.methods.isEmpty() || this.methods.contains(method)) && this.pattern.matches(path);
	}

	/**
	 * Returns the first route that matches a request.
	 * @param routes the routes, in order
	 * @param method the request's method
	 * @param path the request's path within the application
	 * @return the route, or {@code null} when none matches
	 */
	static @Nullable RateLimitRoute first(List<RateLimitRoute> routes,
			String method, PathContainer path) {
		for (RateLimitRoute route : routes) {
			if (route.matches(method, path)) {
				return route;
			}
		}
		return null;
	}

}
