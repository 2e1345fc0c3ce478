package dev.tiergate.ratelimit.interceptor;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.tiergate.interceptor.MethodEvaluation;
import dev.tiergate.ratelimit.RateLimitDecision;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What an allowed {@code @RateLimited} call still owes once it has finished: the
 * settlement of a token budget ({@code actualCostExpression}, {@code refundOnError}). It
 * never throws: the call has run, so a settlement that cannot be made is logged and
 * counted, and the estimate stands.
 * <p>
 * {@link #succeeded} and {@link #failed} are the hook for asynchronous results too: the
 * advice of a method returning a {@code CompletionStage}, {@code Mono} or {@code Flux}
 * calls them when the result completes (with the future's or the {@code Mono}'s value,
 * the list of the {@code Flux}'s elements), and the settlement is then sent without
 * waiting for its reply.
 */
final class AfterCall {

	private static final Log logger = LogFactory.getLog(AfterCall.class);

	private static final Set<Method> WARNED = ConcurrentHashMap.newKeySet();

	private final RateLimitOperation operation;

	private final String clientKey;

	private final RateLimitDecision reservation;

	private final long estimate;

	private final @Nullable MethodEvaluation evaluation;

	/** Whether the call's result completes on a thread that must not wait for Redis. */
	private final boolean async;

	AfterCall(RateLimitOperation operation, String clientKey, RateLimitDecision reservation, long estimate,
			@Nullable MethodEvaluation evaluation, boolean async) {
		this.operation = operation;
		this.clientKey = clientKey;
		this.reservation = reservation;
		this.estimate = estimate;
		this.evaluation = evaluation;
		this.async = async;
	}

	/**
	 * Returns whether a method's calls finish later than they return, so their result is
	 * not the value to settle.
	 * @param returnType the return type of the method
	 * @return whether the result is asynchronous
	 */
	static boolean isDeferred(Class<?> returnType) {
		return CompletionStage.class.isAssignableFrom(returnType) || isPublisher(returnType);
	}

	/**
	 * Returns whether the advice follows a method's calls to their end: a result of one of
	 * these types is settled, and holds its lease, until it completes.
	 * @param returnType the return type of the method
	 * @return whether it is {@code CompletableFuture}, {@code CompletionStage}, {@code Mono}
	 * or {@code Flux}
	 */
	static boolean isFollowed(Class<?> returnType) {
		return returnType == CompletableFuture.class || returnType == CompletionStage.class
				|| "reactor.core.publisher.Mono".equals(returnType.getName())
				|| "reactor.core.publisher.Flux".equals(returnType.getName());
	}

	/** Without a compile-time dependency on Reactive Streams, which applications may not have. */
	private static boolean isPublisher(@Nullable Class<?> type) {
		if (type == null) {
			return false;
		}
		if ("org.reactivestreams.Publisher".equals(type.getName())) {
			return true;
		}
		for (Class<?> implemented : type.getInterfaces()) {
			if (isPublisher(implemented)) {
				return true;
			}
		}
		return isPublisher(type.getSuperclass());
	}

	/**
	 * Settles a call that returned: the difference between the estimate taken and what the
	 * actual cost expression computes from the result.
	 * @param result what the call returned
	 */
	void succeeded(@Nullable Object result) {
		if (this.operation.actualCostExpression() == null || this.evaluation == null) {
			return;
		}
		long actual;
		try {
			// Subscriptions of one publisher share the call's evaluation.
			synchronized (this.evaluation) {
				this.evaluation.setResult(result);
				actual = this.operation.actualCostOf(this.evaluation);
			}
		}
		catch (RuntimeException ex) {
			this.operation.limiter().recordFailedSettlement();
			// Once per method at WARN: a broken expression fails every call alike.
			boolean first = WARNED.add(this.operation.method().method());
			log(first, "Could not settle a call of " + this.operation.method().description()
					+ "; the estimate of " + this.estimate + " token(s) stands: " + ex.getMessage());
			return;
		}
		settle(actual - this.estimate);
	}

	/**
	 * Settles a call that threw: its tokens are given back, when it has an actual cost
	 * expression and {@code refundOnError} is not switched off.
	 */
	void failed() {
		if (this.operation.actualCostExpression() != null && this.operation.refundOnError()) {
			settle(-this.estimate);
		}
	}

	private static void log(boolean warn, String message) {
		if (warn) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private void settle(long tokens) {
		if (this.async) {
			this.operation.limiter()
				.settleAsync(this.clientKey, this.reservation, tokens)
				.thenAccept((settled) -> logUnsettled(settled, tokens));
			return;
		}
		logUnsettled(this.operation.limiter().settle(this.clientKey, this.reservation, tokens), tokens);
	}

	private void logUnsettled(boolean settled, long tokens) {
		if (!settled && logger.isDebugEnabled()) {
			logger.debug("Could not settle " + tokens + " token(s) of a call of " + this.operation.method().description()
					+ ": Redis cannot be reached");
		}
	}

}
