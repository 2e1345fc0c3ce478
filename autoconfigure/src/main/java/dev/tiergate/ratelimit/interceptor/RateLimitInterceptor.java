package dev.tiergate.ratelimit.interceptor;

import java.util.function.Supplier;

import dev.tiergate.interceptor.AnnotatedMethodInterceptor;
import dev.tiergate.interceptor.MethodEvaluation;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;
import org.springframework.util.function.SingletonSupplier;

/**
 * Checks a {@code @RateLimited} call against its tier before it proceeds, and throws
 * {@link RateLimitExceededException} instead of invoking the method when the caller's
 * bucket is empty. A call whose key needs no SpEL evaluates none: the operation is looked
 * up by method and the key comes from an argument or the key resolver.
 */
final class RateLimitInterceptor extends AnnotatedMethodInterceptor<RateLimitOperation> {

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
		long cost = operation.costOf(evaluation);
		if (cost == 0) {
			// A cost expression may make a call free: no tokens, no decision, no headers.
			return invocation.proceed();
		}
		RateLimitDecision decision = operation.limiter().check(operation.clientKey(args, evaluation), cost);
		this.listener.get().onDecision(decision);
		if (!decision.isAllowed()) {
			throw new RateLimitExceededException(decision);
		}
		return invocation.proceed();
	}

}
