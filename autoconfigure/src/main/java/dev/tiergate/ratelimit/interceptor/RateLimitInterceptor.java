package dev.tiergate.ratelimit.interceptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

import dev.tiergate.interceptor.AnnotatedMethodInterceptor;
import dev.tiergate.interceptor.MethodEvaluation;
import dev.tiergate.ratelimit.ChargedTier;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Checks a {@code @RateLimited} call against its tier before it proceeds, and throws
 * {@link RateLimitExceededException} instead of invoking the method when the caller's
 * bucket is empty. A method returning {@code CompletableFuture} or
 * {@code CompletionStage} is checked without blocking and rejected with a failed future;
 * one returning {@code Mono} or {@code Flux} is checked at each subscription and rejected
 * with an error signal. A call whose key needs no SpEL evaluates none: the operation is looked
 * up by method and the key comes from an argument or the key resolver.
 */
final class RateLimitInterceptor extends AnnotatedMethodInterceptor<RateLimitOperation> {

	/** Reactor is optional: its types are compared only when it is present. */
	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			RateLimitInterceptor.class.getClassLoader());

	private final Supplier<RateLimitListener> listener;

	/**
	 * Creates an interceptor.
	 * @param operationSource the source of the operation of each method
	 * @param listener told about every decision, resolved on first use
	 * @param beanResolver resolves {@code @beanName} references in expressions, if any
	 */
	RateLimitInterceptor(RateLimitOperationSource operationSource, Supplier<RateLimitListener> listener,
			@Nullable BeanResolver beanResolver) {
		super(operationSource, beanResolver);
		this.listener = SingletonSupplier.of(listener);
	}

	@Override
	protected @Nullable Object invoke(MethodInvocation invocation, RateLimitOperation operation,
			@Nullable Object[] args, @Nullable MethodEvaluation evaluation) throws Throwable {
		if (ChargedTier.is(operation.limiter().tier().name())) {
			// A route of tiergate.rate-limit.routes took this tier's tokens (and lease) for the request.
			return invocation.proceed();
		}
		if (!operation.limiter().limitsConcurrency()) {
			return limited(invocation, operation, args, evaluation, null);
		}
		// The lease first: a call refused for concurrency takes no tokens.
		String clientKey = operation.clientKey(args, evaluation);
		try (TierRateLimiter.Lease lease = operation.limiter().acquire(clientKey)) {
			RateLimitDecision rejection = lease.rejection();
			if (rejection != null) {
				this.listener.get().onDecision(rejection);
				throw new RateLimitExceededException(rejection);
			}
			return limited(invocation, operation, args, evaluation, clientKey);
		}
	}

	private @Nullable Object limited(MethodInvocation invocation, RateLimitOperation operation,
			@Nullable Object[] args, @Nullable MethodEvaluation evaluation, @Nullable String knownClientKey)
			throws Throwable {
		long cost = operation.costOf(evaluation);
		if (cost == 0) {
			// A cost expression may make a call free: no tokens, no decision, no headers.
			return invocation.proceed();
		}
		// Token budgets and concurrency limits are refused on asynchronous methods at startup.
		Class<?> returnType = invocation.getMethod().getReturnType();
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return limitedFuture(invocation, operation, args, evaluation, cost);
		}
		if (REACTOR_PRESENT && ReactorRateLimit.isPublisher(returnType)) {
			return limitedPublisher(invocation, operation, args, evaluation, cost, returnType);
		}
		String clientKey = (knownClientKey != null) ? knownClientKey : operation.clientKey(args, evaluation);
		RateLimitDecision decision = operation.limiter().check(clientKey, cost);
		this.listener.get().onDecision(decision);
		if (!decision.isAllowed()) {
			throw new RateLimitExceededException(decision);
		}
		if (operation.actualCostExpression() == null) {
			return invocation.proceed();
		}
		AfterCall afterCall = new AfterCall(operation, clientKey, decision, cost, evaluation);
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			afterCall.failed();
			throw ex;
		}
		afterCall.succeeded(result);
		return result;
	}

	/**
	 * A future: checked at the call, the method invoked only when allowed. A decision that
	 * comes from Redis completes on Lettuce's I/O thread (or the timeout's), so the method
	 * is then invoked on the common pool, as {@code CompletableFuture}'s own asynchronous
	 * steps are, rather than stall Redis traffic.
	 */
	private Object limitedFuture(MethodInvocation invocation, RateLimitOperation operation, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation, long cost) {
		PendingCheck pending;
		try {
			pending = start(operation, operation.clientKey(args, evaluation), this.listener.get().forCurrentCall(),
					cost);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<RateLimitDecision> decision = pending.decision();
		if (decision.isDone() && !decision.isCompletedExceptionally()) {
			try {
				pending.allowedOrThrow(decision.join());
			}
			catch (RateLimitExceededException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return proceedToStage(invocation);
		}
		return decision.thenComposeAsync((decided) -> {
			pending.allowedOrThrow(decided);
			return proceedToStage(invocation);
		}, ForkJoinPool.commonPool());
	}

	/**
	 * A {@code Mono} or {@code Flux}: the method is invoked at the call, as usual for a
	 * publisher, and its publisher subscribed only after each subscription's check allowed
	 * it. The client is the one the key resolver finds at the call (the servlet request
	 * of a Spring MVC controller), else at the subscription, with the subscriber's Reactor
	 * context visible through {@link SubscriberContext} (a WebFlux request).
	 */
	private Object limitedPublisher(MethodInvocation invocation, RateLimitOperation operation,
			@Nullable Object[] args, @Nullable MethodEvaluation evaluation, long cost, Class<?> returnType)
			throws Throwable {
		String calledBy = operation.resolvedClientKey(args, evaluation);
		RateLimitListener listener = this.listener.get();
		RateLimitListener calledFor = listener.forCurrentCall();
		Object result = invocation.proceed();
		return ReactorRateLimit.limited(returnType, result, operation.limiter().tier().name(), () -> {
			String clientKey = (calledBy != null) ? calledBy : operation.clientKey(args, evaluation);
			return start(operation, clientKey, (calledFor != listener) ? calledFor : listener.forCurrentCall(), cost);
		});
	}

	private static PendingCheck start(RateLimitOperation operation, String clientKey, RateLimitListener listener,
			long cost) {
		return new PendingCheck(operation.limiter().checkAsync(clientKey, cost).toCompletableFuture(), listener);
	}

	private static CompletableFuture<?> proceedToStage(MethodInvocation invocation) {
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (result == null) {
			return CompletableFuture.failedFuture(
					new IllegalStateException("The method returned null instead of a CompletableFuture"));
		}
		return ((CompletionStage<?>) result).toCompletableFuture();
	}

}
