package dev.tiergate.ratelimit.interceptor;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
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
 * with an error signal. Their leases and settlements follow the result to its end. A call whose key needs no SpEL evaluates none: the operation is looked
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
		Class<?> returnType = invocation.getMethod().getReturnType();
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return limitedFuture(invocation, operation, args, evaluation);
		}
		if (REACTOR_PRESENT && ReactorRateLimit.isPublisher(returnType)) {
			return limitedPublisher(invocation, operation, args, evaluation, returnType);
		}
		if (!operation.limiter().limitsConcurrency()) {
			return limited(invocation, operation, args, evaluation, null, null);
		}
		// The lease first: a call refused for concurrency takes no tokens.
		String clientKey = operation.clientKey(args, evaluation);
		try (TierRateLimiter.Lease lease = operation.limiter().acquire(clientKey)) {
			RateLimitDecision rejection = lease.rejection();
			if (rejection != null) {
				this.listener.get().onDecision(rejection);
				throw new RateLimitExceededException(rejection);
			}
			return limited(invocation, operation, args, evaluation, clientKey, lease);
		}
	}

	private @Nullable Object limited(MethodInvocation invocation, RateLimitOperation operation,
			@Nullable Object[] args, @Nullable MethodEvaluation evaluation, @Nullable String knownClientKey,
			TierRateLimiter.@Nullable Lease lease) throws Throwable {
		long cost = operation.costOf(evaluation);
		if (cost == 0) {
			// A cost expression may make a call free: no tokens, no decision, no headers.
			return invocation.proceed();
		}
		String clientKey = (knownClientKey != null) ? knownClientKey : operation.clientKey(args, evaluation);
		RateLimitDecision decision = (lease != null) ? operation.limiter().check(clientKey, cost, lease)
				: operation.limiter().check(clientKey, cost);
		this.listener.get().onDecision(decision);
		if (!decision.isAllowed()) {
			throw new RateLimitExceededException(decision);
		}
		if (operation.actualCostExpression() == null) {
			return invocation.proceed();
		}
		AfterCall afterCall = new AfterCall(operation, clientKey, decision, cost, evaluation, false);
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
	 * A future: the lease (with {@code max-concurrent}) and the tokens taken at the call,
	 * the method invoked only when allowed, the lease released and the tokens settled when
	 * its future completes. A step answered by Redis completes on Lettuce's I/O thread (or
	 * the timeout's), so what follows it then runs on the common pool, as
	 * {@code CompletableFuture}'s own asynchronous steps do, rather than stall Redis
	 * traffic. A future that is cancelled releases its lease and keeps its estimate.
	 */
	private Object limitedFuture(MethodInvocation invocation, RateLimitOperation operation, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation) {
		long cost = operation.costOf(evaluation);
		String clientKey;
		RateLimitListener listener;
		try {
			clientKey = operation.clientKey(args, evaluation);
			listener = this.listener.get().forCurrentCall();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		TierRateLimiter limiter = operation.limiter();
		if (!limiter.limitsConcurrency()) {
			return tokensThenCall(invocation, operation, evaluation, clientKey, listener, cost, null);
		}
		return continued(limiter.acquireAsync(clientKey).toCompletableFuture(), (lease) -> {
			RateLimitDecision rejection = lease.rejection();
			if (rejection != null) {
				listener.onDecision(rejection);
				throw new RateLimitExceededException(rejection);
			}
			CompletableFuture<Object> call;
			try {
				call = tokensThenCall(invocation, operation, evaluation, clientKey, listener, cost, lease);
			}
			catch (RuntimeException ex) {
				lease.close();
				throw ex;
			}
			call.whenComplete((value, ex) -> lease.close());
			return call;
		});
	}

	private static CompletableFuture<Object> tokensThenCall(MethodInvocation invocation, RateLimitOperation operation,
			@Nullable MethodEvaluation evaluation, String clientKey, RateLimitListener listener, long cost,
			TierRateLimiter.@Nullable Lease lease) {
		if (cost == 0) {
			return proceedToStage(invocation);
		}
		PendingCheck pending;
		try {
			TierRateLimiter limiter = operation.limiter();
			pending = new PendingCheck(((lease != null) ? limiter.checkAsync(clientKey, cost, lease)
					: limiter.checkAsync(clientKey, cost)).toCompletableFuture(), listener);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return continued(pending.decision(), (decided) -> {
			pending.allowedOrThrow(decided);
			CompletableFuture<Object> call = proceedToStage(invocation);
			if (operation.actualCostExpression() != null) {
				AfterCall afterCall = new AfterCall(operation, clientKey, decided, cost, evaluation, true);
				call.whenComplete((value, ex) -> {
					if (ex == null) {
						afterCall.succeeded(value);
					}
					else if (!(ex instanceof CancellationException)) {
						afterCall.failed();
					}
				});
			}
			return call;
		});
	}

	/**
	 * Runs the next step on the thread that completed a stage in this JVM, at once, else on
	 * the common pool when the stage completes.
	 */
	private static <T> CompletableFuture<Object> continued(CompletableFuture<T> stage,
			Function<T, CompletableFuture<Object>> next) {
		if (stage.isDone() && !stage.isCompletedExceptionally()) {
			try {
				return next.apply(stage.join());
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		return stage.thenComposeAsync(next, ForkJoinPool.commonPool());
	}

	/**
	 * A {@code Mono} or {@code Flux}: the method is invoked at the call, as usual for a
	 * publisher, and its publisher subscribed only after each subscription's checks allowed
	 * it ({@link ReactorRateLimit}). The client is the one the key resolver finds at the
	 * call (the servlet request of a Spring MVC controller), else at the subscription,
	 * with the subscriber's Reactor context visible through {@link SubscriberContext} (a
	 * WebFlux request).
	 */
	private @Nullable Object limitedPublisher(MethodInvocation invocation, RateLimitOperation operation,
			@Nullable Object[] args, @Nullable MethodEvaluation evaluation, Class<?> returnType)
			throws Throwable {
		long cost = operation.costOf(evaluation);
		if (cost == 0 && !operation.limiter().limitsConcurrency()) {
			return invocation.proceed();
		}
		String calledBy = operation.resolvedClientKey(args, evaluation);
		RateLimitListener listener = this.listener.get();
		RateLimitListener calledFor = listener.forCurrentCall();
		Object result = invocation.proceed();
		return ReactorRateLimit.limited(returnType, result, new ReactorRateLimit.Call(operation, cost,
				() -> (calledBy != null) ? calledBy : operation.clientKey(args, evaluation),
				() -> (calledFor != listener) ? calledFor : listener.forCurrentCall(), evaluation));
	}

	@SuppressWarnings("unchecked")
	private static CompletableFuture<Object> proceedToStage(MethodInvocation invocation) {
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
		return ((CompletionStage<Object>) result).toCompletableFuture();
	}

}
