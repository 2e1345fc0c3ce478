package dev.tiergate.ratelimit.web;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.interceptor.SubscriberContext;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.util.context.ContextView;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;

/**
 * What tiergate knows of one WebFlux request while it is handled: the exchange, the name of
 * its authenticated user (resolved once, before the handler, as the reactive principal is
 * only reachable asynchronously), and the decision its headers describe. The
 * {@link RateLimitWebFilter} puts it in the request's Reactor context, where the key
 * resolvers and the header writer find it at the check of a {@code Mono} or {@code Flux}
 * ({@link SubscriberContext}); the route filter binds it to the thread while it checks.
 * Loaded only in reactive web applications.
 */
final class ReactiveRateLimitRequest implements Executor {

	/** Its key in the Reactor context and in the exchange's attributes. */
	static final String KEY = ReactiveRateLimitRequest.class.getName();

	private static final ThreadLocal<@Nullable ReactiveRateLimitRequest> bound = new ThreadLocal<>();

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils.isPresent("reactor.netty.Connection",
			ReactiveRateLimitRequest.class.getClassLoader());


	private final ServerWebExchange exchange;

	private final @Nullable String userName;

	private volatile @Nullable RateLimitDecision reported;

	/** Found on first use: the filter makes every request known, most are never checked. */
	private @Nullable Executor continuation;

	ReactiveRateLimitRequest(ServerWebExchange exchange, @Nullable String userName) {
		this.exchange = exchange;
		this.userName = userName;
	}

	/**
	 * Where the request continues after a reply from Redis, which arrives on Lettuce's I/O
	 * thread: on Reactor Netty the event loop of its connection, where WebFlux would have
	 * run it anyway (no hand-over to write the response); elsewhere Reactor's
	 * {@code parallel} scheduler.
	 */
	Executor continuation() {
		Executor continuation = this.continuation;
		if (continuation == null) {
			// Racing threads find the same executor.
			continuation = continuationOf(this.exchange);
			this.continuation = continuation;
		}
		return continuation;
	}

	/**
	 * Runs a task where the request continues: the request is the executor the
	 * {@link RateLimitWebFilter} puts in the Reactor context
	 * ({@link SubscriberContext#CONTINUATION_KEY}), which finds it only when a check needs it.
	 */
	@Override
	public void execute(Runnable task) {
		continuation().execute(task);
	}

	private static Executor continuationOf(ServerWebExchange exchange) {
		if (!REACTOR_NETTY_PRESENT) {
			return SubscriberContext.PARALLEL;
		}
		Object nativeRequest;
		try {
			nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// A request of a test's mock server, or a decorator that hides the native one.
			return SubscriberContext.PARALLEL;
		}
		return (nativeRequest instanceof Connection connection) ? connection.channel().eventLoop() : SubscriberContext.PARALLEL;
	}

	/**
	 * Returns the request being handled: the one bound to this thread, else the one in the
	 * context of the subscriber whose check is starting.
	 * @return the request, or {@code null} outside a WebFlux request
	 */
	static @Nullable ReactiveRateLimitRequest current() {
		ReactiveRateLimitRequest request = bound.get();
		if (request != null) {
			return request;
		}
		ContextView context = SubscriberContext.current();
		return (context != null) ? context.getOrDefault(KEY, null) : null;
	}

	/**
	 * Returns the request of an exchange that the {@link RateLimitWebFilter} has seen.
	 * @param exchange the exchange
	 * @return its request, or {@code null} when the filter did not run for it
	 */
	static @Nullable ReactiveRateLimitRequest of(ServerWebExchange exchange) {
		return exchange.getAttribute(KEY);
	}

	/** Runs work with this request bound to the thread, for a check outside a subscriber's context. */
	<T> T bound(Supplier<T> work) {
		ReactiveRateLimitRequest outer = bound.get();
		bound.set(this);
		try {
			return work.get();
		}
		finally {
			if (outer != null) {
				bound.set(outer);
			}
			else {
				bound.remove();
			}
		}
	}

	ServerWebExchange exchange() {
		return this.exchange;
	}

	@Nullable String userName() {
		return this.userName;
	}

	/**
	 * Sets the headers of a decision on the response, unless it is committed or an earlier
	 * decision of the request is the one to describe.
	 */
	void report(RateLimitDecision decision, RateLimitHeaders headers) {
		ServerHttpResponse response = this.exchange.getResponse();
		synchronized (this) {
			if (response.isCommitted() || !RateLimitHeaders.supersedes(this.reported, decision)) {
				return;
			}
			this.reported = decision;
			headers.write(decision, response.getHeaders()::set);
		}
	}

}
