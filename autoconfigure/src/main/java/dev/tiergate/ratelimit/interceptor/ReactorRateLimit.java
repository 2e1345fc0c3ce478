package dev.tiergate.ratelimit.interceptor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.tiergate.interceptor.MethodEvaluation;
import dev.tiergate.ratelimit.ChargedTier;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code @RateLimited} on a method returning {@code Mono} or {@code Flux}: the checks run
 * when the returned publisher is subscribed, again at each subscription, and the
 * method's publisher is subscribed only when they allowed it; a rejection is an error
 * signal. Per subscription, in this order: the lease of a tier with
 * {@code max-concurrent} (held until the publisher completes, fails or is cancelled),
 * the tokens, and once the publisher completed the settlement of an
 * {@code actualCostExpression}. Nothing blocks: each step is one asynchronous Redis call.
 * Loaded only when Reactor is present.
 */
final class ReactorRateLimit {

	private ReactorRateLimit() {
	}

	static boolean isPublisher(Class<?> returnType) {
		return returnType == Mono.class || returnType == Flux.class;
	}

	/**
	 * What the advice knows of one call, for the checks of its subscriptions.
	 *
	 * @param operation the method's operation
	 * @param cost the tokens each subscription takes; 0 for none (a lease is still taken)
	 * @param clientKey finds the client at a subscription, with the subscriber's context
	 * visible through {@link SubscriberContext}
	 * @param listener the listener bound to the caller, found at a subscription likewise
	 * @param evaluation the call's evaluation, for the actual cost expression
	 */
	record Call(RateLimitOperation operation, long cost, Supplier<String> clientKey,
			Supplier<RateLimitListener> listener, @Nullable MethodEvaluation evaluation) {
	}

	/**
	 * Returns the method's publisher behind the checks.
	 * @param returnType {@code Mono} or {@code Flux}
	 * @param result the method's publisher
	 * @param call the call: a subscriber whose context says that a WebFlux route charged
	 * its tier ({@link ChargedTier#CONTEXT_KEY}) is not checked again
	 */
	static Object limited(Class<?> returnType, @Nullable Object result, Call call) {
		String tier = call.operation().limiter().tier().name();
		Mono<Permit> permit = Mono.deferContextual((context) -> SubscriberContext.with(context, () -> {
			if (tier.equals(context.getOrDefault(ChargedTier.CONTEXT_KEY, null))) {
				return Mono.just(Permit.NOTHING_OWED);
			}
			try {
				return permit(call, call.clientKey().get(), call.listener().get(),
						SubscriberContext.continuationOf(context));
			}
			catch (RuntimeException ex) {
				return Mono.error(ex);
			}
		}));
		if (returnType == Mono.class) {
			Mono<?> mono = (result != null) ? (Mono<?>) result
					: Mono.error(new IllegalStateException("The method returned null instead of a Mono"));
			return permit.flatMap((allowed) -> allowed.watch(mono));
		}
		Flux<?> flux = (result != null) ? (Flux<?>) result
				: Flux.error(new IllegalStateException("The method returned null instead of a Flux"));
		return permit.flatMapMany((allowed) -> allowed.watch(flux));
	}

	private static Mono<Permit> permit(Call call, String clientKey, RateLimitListener listener,
			Executor continuation) {
		TierRateLimiter limiter = call.operation().limiter();
		if (!limiter.limitsConcurrency()) {
			return tokens(call, clientKey, listener, null, continuation);
		}
		// The lease first, as for other methods: a call refused for concurrency takes no tokens.
		CompletableFuture<TierRateLimiter.Lease> acquiring = limiter.acquireAsync(clientKey).toCompletableFuture();
		return SubscriberContext.continued(acquiring, continuation)
			// Cancelled before the lease came: release it when it comes.
			.doOnCancel(() -> acquiring.thenAccept(TierRateLimiter.Lease::close))
			.flatMap((lease) -> {
				RateLimitDecision rejection = lease.rejection();
				if (rejection != null) {
					listener.onDecision(rejection);
					return Mono.error(new RateLimitExceededException(rejection));
				}
				return tokens(call, clientKey, listener, lease, continuation).doOnError((ex) -> lease.close())
					.doOnCancel(lease::close);
			});
	}

	private static Mono<Permit> tokens(Call call, String clientKey, RateLimitListener listener,
			TierRateLimiter.@Nullable Lease lease, Executor continuation) {
		if (call.cost() == 0) {
			return Mono.just(Permit.of(lease, null));
		}
		TierRateLimiter limiter = call.operation().limiter();
		PendingCheck pending = new PendingCheck(((lease != null) ? limiter.checkAsync(clientKey, call.cost(), lease)
				: limiter.checkAsync(clientKey, call.cost())).toCompletableFuture(), listener);
		RateLimitOperation operation = call.operation();
		return SubscriberContext.continued(pending.decision(), continuation).map((decided) -> {
			pending.allowedOrThrow(decided);
			AfterCall afterCall = (operation.actualCostExpression() != null)
					? new AfterCall(operation, clientKey, decided, call.cost(), call.evaluation(), true) : null;
			return Permit.of(lease, afterCall);
		});
	}

	/**
	 * What one allowed subscription still owes: its lease, released when the publisher
	 * ends however it ends, and the settlement of its tokens.
	 */
	private record Permit(TierRateLimiter.@Nullable Lease lease, @Nullable AfterCall afterCall) {

		/** Nothing owed: no lease, no settlement (a WebFlux route charged the call, or a plain check). */
		static final Permit NOTHING_OWED = new Permit(null, null);

		static Permit of(TierRateLimiter.@Nullable Lease lease, @Nullable AfterCall afterCall) {
			return (lease == null && afterCall == null) ? NOTHING_OWED : new Permit(lease, afterCall);
		}

		<T> Mono<T> watch(Mono<T> mono) {
			Mono<T> watched = mono;
			AfterCall afterCall = this.afterCall;
			if (afterCall != null) {
				// Cancelled, the call may have cost what it estimated: the estimate stands.
				watched = watched.doOnSuccess(afterCall::succeeded).doOnError((ex) -> afterCall.failed());
			}
			TierRateLimiter.Lease lease = this.lease;
			return (lease != null) ? watched.doFinally((signal) -> lease.close()) : watched;
		}

		<T> Flux<T> watch(Flux<T> flux) {
			Flux<T> watched = flux;
			AfterCall afterCall = this.afterCall;
			if (afterCall != null) {
				// #result is the list of the elements, as the cache sees a Flux.
				List<T> elements = new ArrayList<>();
				watched = watched.doOnNext(elements::add)
					.doOnComplete(() -> afterCall.succeeded(elements))
					.doOnError((ex) -> afterCall.failed());
			}
			TierRateLimiter.Lease lease = this.lease;
			return (lease != null) ? watched.doFinally((signal) -> lease.close()) : watched;
		}

	}

}
