package dev.tiergate.ratelimit.interceptor;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * The Reactor context of the subscriber of a {@code @RateLimited} {@code Mono} or
 * {@code Flux}, bound to the thread while its check starts: key resolvers and listeners
 * that serve reactive requests read the request from it, as servlet ones read the
 * thread-bound request. Loaded only when Reactor is present.
 */
public final class SubscriberContext {

	/**
	 * The key of an {@link java.util.concurrent.Executor} in a subscriber's context: where a
	 * check continues after a reply from Redis (a WebFlux request's event loop). Without
	 * one, Reactor's {@code parallel} scheduler.
	 */
	public static final String CONTINUATION_KEY = SubscriberContext.class.getName() + ".continuation";

	private static final ThreadLocal<@Nullable ContextView> CURRENT = new ThreadLocal<>();

	private SubscriberContext() {
	}

	/**
	 * Returns the context of the subscriber whose check is starting on this thread.
	 * @return the context, or {@code null} outside such a check
	 */
	public static @Nullable ContextView current() {
		return CURRENT.get();
	}

	static <T> T with(ContextView context, Supplier<T> work) {
		ContextView outer = CURRENT.get();
		CURRENT.set(context);
		try {
			return work.get();
		}
		finally {
			if (outer != null) {
				CURRENT.set(outer);
			}
			else {
				CURRENT.remove();
			}
		}
	}

}
