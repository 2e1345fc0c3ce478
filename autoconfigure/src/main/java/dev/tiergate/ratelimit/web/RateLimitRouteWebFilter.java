package dev.tiergate.ratelimit.web;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.tiergate.ratelimit.ChargedTier;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.interceptor.SubscriberContext;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Applies the rate-limit routes of configuration ({@code tiergate.rate-limit.routes}) to
 * WebFlux requests, as {@link RateLimitRouteFilter} does to servlet ones: the first route
 * whose path pattern and method match takes its tokens from its tier with one
 * asynchronous check, with the key resolvers, headers, statistics and 429 problem of
 * {@code @RateLimited}. A {@code @RateLimited} {@code Mono} or {@code Flux} of the same
 * tier subscribed while the rest of the chain handles the request takes no tokens again
 * ({@link ChargedTier#CONTEXT_KEY} in the Reactor context). A route of a tier with
 * {@code max-concurrent} takes a lease first, with one asynchronous call too, and holds it
 * until the response is complete (a streamed one included) or the request is cancelled.
 * <p>
 * Its order, {@value #DEFAULT_ORDER}, runs it right after the {@link RateLimitWebFilter},
 * which makes the request known to the key resolvers.
 */
public final class RateLimitRouteWebFilter implements WebFilter, Ordered {

	/** Right after the {@link RateLimitWebFilter}. */
	public static final int DEFAULT_ORDER = RateLimitWebFilter.DEFAULT_ORDER + 1;

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
	public RateLimitRouteWebFilter(List<RateLimitRoute> routes, Supplier<RateLimitListener> listener,
			RateLimitProblem problem) {
		this.routes = List.copyOf(routes);
		this.listener = SingletonSupplier.of(listener);
		this.problem = problem;
	}

	@Override
	public int getOrder() {
		return DEFAULT_ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest httpRequest = exchange.getRequest();
		RateLimitRoute route = RateLimitRoute.first(this.routes, httpRequest.getMethod().name(),
				httpRequest.getPath().pathWithinApplication());
		if (route == null) {
			return chain.filter(exchange);
		}
		ReactiveRateLimitRequest known = ReactiveRateLimitRequest.of(exchange);
		ReactiveRateLimitRequest request = (known != null) ? known : new ReactiveRateLimitRequest(exchange, null);
		return Mono.defer(() -> {
			// The key resolvers and the header writer read the request bound to the thread.
			Check check = request.bound(() -> {
				String resolved = route.keyResolver().resolve();
				return new Check(route, (resolved != null) ? resolved : NO_CLIENT, this.listener.get().forCurrentCall());
			});
			TierRateLimiter limiter = route.limiter();
			Executor continuation = request.continuation();
			if (!limiter.limitsConcurrency()) {
				return tokensThenChain(exchange, chain, check, null, continuation);
			}
			// The lease first, as for @RateLimited, held until the response is complete.
			CompletableFuture<TierRateLimiter.Lease> acquiring = limiter.acquireAsync(check.clientKey())
				.toCompletableFuture();
			return SubscriberContext.continued(acquiring, continuation).doOnCancel(() -> acquiring.thenAccept(TierRateLimiter.Lease::close))
				.flatMap((lease) -> {
					RateLimitDecision rejection = lease.rejection();
					if (rejection != null) {
						check.listener().onDecision(rejection);
						return RateLimitWebFilter.reject(exchange, rejection, this.problem);
					}
					return tokensThenChain(exchange, chain, check, lease, continuation)
						.doFinally((signal) -> lease.close());
				});
		});
	}

	private Mono<Void> tokensThenChain(ServerWebExchange exchange, WebFilterChain chain, Check check,
			TierRateLimiter.@Nullable Lease lease, Executor continuation) {
		RateLimitRoute route = check.route();
		TierRateLimiter limiter = route.limiter();
		CompletableFuture<RateLimitDecision> decision = ((lease != null)
				? limiter.checkAsync(check.clientKey(), route.cost(), lease)
				: limiter.checkAsync(check.clientKey(), route.cost())).toCompletableFuture();
		return SubscriberContext.continued(decision, continuation).flatMap((decided) -> {
			check.listener().onDecision(decided);
			if (!decided.isAllowed()) {
				return RateLimitWebFilter.reject(exchange, decided, this.problem);
			}
			String tier = route.limiter().tier().name();
			return chain.filter(exchange).contextWrite((context) -> context.put(ChargedTier.CONTEXT_KEY, tier));
		});
	}

	private record Check(RateLimitRoute route, String clientKey, RateLimitListener listener) {
	}

}
