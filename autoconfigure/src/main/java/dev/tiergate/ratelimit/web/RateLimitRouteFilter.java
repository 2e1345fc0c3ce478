package dev.tiergate.ratelimit.web;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import dev.tiergate.ratelimit.ChargedTier;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.TierRateLimiter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Applies the rate-limit routes of configuration ({@code tiergate.rate-limit.routes}) to
 * servlet requests, without an annotation: the first route whose path pattern and method
 * match takes its tokens from its tier, with the key resolvers, headers, statistics and
 * 429 problem of {@code @RateLimited}. A {@code @RateLimited} method of the same tier
 * called on this thread while the rest of the chain handles the request takes no tokens
 * again ({@link ChargedTier}).
 * <p>
 * Its order, {@value #DEFAULT_ORDER}, runs it after Spring Security's filter chain
 * (-100), so that the principal of a {@code user} key is known, and before the
 * dispatcher servlet. Error and asynchronous dispatches are not checked again.
 */
public final class RateLimitRouteFilter extends OncePerRequestFilter implements Ordered {

	/** Ten after Spring Security's filter chain, whose order is -100 unless changed. */
	public static final int DEFAULT_ORDER = -90;

	private static final String NO_CLIENT = "none";

	private final List<RateLimitRoute> routes;

	private final Supplier<RateLimitListener> listener;

	private final RateLimitProblem problem;

	/**
	 * Creates a filter.
	 * @param routes the routes, the first match wins
	 * @param listener told about every decision (the headers among others), resolved on
	 * first use
	 * @param problem the 429 answer
	 */
	public RateLimitRouteFilter(List<RateLimitRoute> routes, Supplier<RateLimitListener> listener, RateLimitProblem problem) {
		this.routes = List.copyOf(routes);
		this.listener = SingletonSupplier.of(listener);
		this.problem = problem;
	}

	@Override
	public int getOrder() {
		return DEFAULT_ORDER;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		RateLimitRoute route = match(request);
		if (route == null) {
			chain.doFilter(request, response);
			return;
		}
		// The key resolvers and the headers read the request bound to the thread; bind it
		// where no RequestContextFilter ran before this filter.
		boolean bind = RequestContextHolder.getRequestAttributes() == null;
		if (bind) {
			RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request, response));
		}
		try {
			String resolved = route.keyResolver().resolve();
			String clientKey = (resolved != null) ? resolved : NO_CLIENT;
			TierRateLimiter limiter = route.limiter();
			if (!limiter.limitsConcurrency()) {
				limitedChain(route, clientKey, null, request, response, chain);
				return;
			}
			// The lease first, as for @RateLimited: a call refused for concurrency takes no tokens. It
			// ends when the chain returns (for a request handled asynchronously, when it started).
			try (TierRateLimiter.Lease lease = limiter.acquire(clientKey)) {
				RateLimitDecision rejection = lease.rejection();
				if (rejection != null) {
					this.listener.get().onDecision(rejection);
					this.problem.write(rejection, request, response);
					return;
				}
				limitedChain(route, clientKey, lease, request, response, chain);
			}
		}
		finally {
			if (bind) {
				RequestContextHolder.resetRequestAttributes();
			}
		}
	}

	private void limitedChain(RateLimitRoute route, String clientKey, TierRateLimiter.@Nullable Lease lease,
			HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		RateLimitDecision decision = (lease != null) ? route.limiter().check(clientKey, route.cost(), lease)
				: route.limiter().check(clientKey, route.cost());
		this.listener.get().onDecision(decision);
		if (!decision.isAllowed()) {
			this.problem.write(decision, request, response);
			return;
		}
		String previous = ChargedTier.enter(route.limiter().tier().name());
		try {
			chain.doFilter(request, response);
		}
		finally {
			ChargedTier.restore(previous);
		}
	}

	private @Nullable RateLimitRoute match(HttpServletRequest request) {
		// The path MVC matches its handlers against: without the context path and path parameters.
		RequestPath requestPath = ServletRequestPathUtils.hasParsedRequestPath(request)
				? ServletRequestPathUtils.getParsedRequestPath(request)
				: RequestPath.parse(request.getRequestURI(), request.getContextPath());
		PathContainer path = requestPath.pathWithinApplication();
		return RateLimitRoute.first(this.routes, request.getMethod(), path);
	}

}
