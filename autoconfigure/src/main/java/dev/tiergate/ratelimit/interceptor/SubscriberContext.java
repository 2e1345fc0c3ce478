package dev.tiergate.ratelimit.interceptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
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

	/** Where a check continues when the subscriber's context names nowhere. */
	public static final Executor PARALLEL = (task) -> Schedulers.parallel().schedule(task);

	private static final ThreadLocal<@Nullable ContextView> CURRENT = new ThreadLocal<>();

	private SubscriberContext() {
	}

	/**
	 * Returns where a check continues for a subscriber: its context's
	 * {@link #CONTINUATION_KEY}, else {@link #PARALLEL}.
	 * @param context the subscriber's context
	 * @return the executor
	 */
	public static Executor continuationOf(ContextView context) {
		Executor given = context.getOrDefault(CONTINUATION_KEY, null);
		return (given != null) ? given : PARALLEL;
	}

	/**
	 * Returns a stage of a check as a {@code Mono} that signals on a continuation: a reply
	 * from Redis completes on Lettuce's I/O thread, where neither tiergate's listeners nor
	 * the subscriber's work may run. A stage already complete (a decision made in this JVM)
	 * signals on the subscribing thread.
	 * @param <T> the stage's value type
	 * @param stage the stage
	 * @param continuation where to signal once the stage completes later
	 * @return the {@code Mono}; cancelling it leaves the stage alone
	 */
	public static <T> Mono<T> continued(CompletableFuture<T> stage, Executor continuation) {
		if (stage.isDone()) {
			return Mono.fromFuture(stage, true);
		}
		return Mono.fromFuture(stage.whenCompleteAsync((value, ex) -> { }, continuation), true);
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
