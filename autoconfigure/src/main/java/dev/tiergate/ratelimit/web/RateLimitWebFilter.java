package dev.tiergate.ratelimit.web;

import java.security.Principal;
import java.util.Optional;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.interceptor.SubscriberContext;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Makes a WebFlux request known to rate limiting while it is handled: the name of its
 * user (the reactive principal, resolved once) and the request itself go into the Reactor
 * context, where the key resolvers and the header writer of a {@code @RateLimited}
 * {@code Mono} or {@code Flux} find them, with where the request continues after a reply
 * from Redis (on Reactor Netty its connection's event loop, where WebFlux runs it anyway:
 * a hand-over to another scheduler cost a third of the throughput of a limited request
 * on two cores). A {@link RateLimitExceededException} that
 * reaches it (from a functional endpoint, say; annotated controllers answer through the
 * exception handler first) is answered with the 429 problem, unless the response was
 * committed.
 * <p>
 * Its order, {@value #DEFAULT_ORDER}, runs it after Spring Security's filter chain
 * (-100), so that the principal is known.
 */
public final class RateLimitWebFilter implements WebFilter, Ordered {

	/** Ten after Spring Security's filter chain, whose order is -100 unless changed. */
	public static final int DEFAULT_ORDER = -90;

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.Authentication", RateLimitWebFilter.class.getClassLoader());

	private final RateLimitProblem problem;

	/**
	 * Creates a filter.
	 * @param problem the 429 answer
	 */
	public RateLimitWebFilter(RateLimitProblem problem) {
		this.problem = problem;
	}

	@Override
	public int getOrder() {
		return DEFAULT_ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return exchange.getPrincipal()
			.map((principal) -> Optional.ofNullable(userName(principal)))
			.defaultIfEmpty(Optional.empty())
			.flatMap((userName) -> {
				ReactiveRateLimitRequest request = new ReactiveRateLimitRequest(exchange, userName.orElse(null));
				exchange.getAttributes().put(ReactiveRateLimitRequest.KEY, request);
				return chain.filter(exchange)
					.onErrorResume(RateLimitExceededException.class,
							(ex) -> reject(exchange, ex.getDecision(), this.problem))
					.contextWrite((context) -> context.put(ReactiveRateLimitRequest.KEY, request)
						.put(SubscriberContext.CONTINUATION_KEY, request));
			});
	}

	private static @Nullable String userName(Principal principal) {
		return SPRING_SECURITY_PRESENT ? SpringSecurityPrincipal.nameOf(principal) : principal.getName();
	}

	/**
	 * Answers a rejected request with the 429 problem; the headers of the decision are
	 * already on the response. A committed response can only be failed.
	 */
	static Mono<Void> reject(ServerWebExchange exchange, RateLimitDecision decision, RateLimitProblem problem) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(new RateLimitExceededException(decision));
		}
		byte[] body = problem.body(decision, exchange.getRequest().getPath().value());
		response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

}
