package dev.tiergate.ratelimit.interceptor;

import java.util.function.Supplier;

import dev.tiergate.ratelimit.ChargedTier;
import dev.tiergate.ratelimit.RateLimitDecision;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code @RateLimited} on a method returning {@code Mono} or {@code Flux}: the check runs
 * when the returned publisher is subscribed, again at each subscription, and the
 * method's publisher is subscribed only when it was allowed; a rejection is an error
 * signal. Loaded only when Reactor is present.
 */
final class ReactorRateLimit {

	private ReactorRateLimit() {
	}

	static boolean isPublisher(Class<?> returnType) {
		return returnType == Mono.class || returnType == Flux.class;
	}

	/**
	 * Returns the method's publisher behind the check.
	 * @param returnType {@code Mono} or {@code Flux}
	 * @param result the method's publisher
	 * @param tier the name of the method's tier: a subscriber whose context says that a
	 * WebFlux route charged it ({@link ChargedTier#CONTEXT_KEY}) is not checked again
	 * @param check starts the check of one subscription; the subscriber's context is
	 * visible to it through {@link SubscriberContext}
	 */
	static Object limited(Class<?> returnType, @Nullable Object result, String tier, Supplier<PendingCheck> check) {
		Mono<RateLimitDecision> allowed = Mono.deferContextual((context) -> SubscriberContext.with(context, () -> {
			if (tier.equals(context.getOrDefault(ChargedTier.CONTEXT_KEY, null))) {
				return Mono.empty();
			}
			PendingCheck pending;
			try {
				pending = check.get();
			}
			catch (RuntimeException ex) {
				return Mono.error(ex);
			}
			Mono<RateLimitDecision> decided = Mono.fromFuture(pending.decision(), true);
			if (!pending.decision().isDone()) {
				// The reply from Redis came on Lettuce's I/O thread: the listener and the subscriber's work must not run there.
				decided = decided.publishOn(Schedulers.parallel());
			}
			return decided.map(pending::allowedOrThrow);
		}));
		if (returnType == Mono.class) {
			Mono<?> mono = (result != null) ? (Mono<?>) result
					: Mono.error(new IllegalStateException("The method returned null instead of a Mono"));
			return allowed.then(mono);
		}
		Flux<?> flux = (result != null) ? (Flux<?>) result
				: Flux.error(new IllegalStateException("The method returned null instead of a Flux"));
		return allowed.thenMany((Publisher<?>) flux);
	}

}
