package dev.tiergate.ratelimit.interceptor;

import java.lang.reflect.Method;

import dev.tiergate.MethodExpressionRoot;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * {@code @RateLimited} on one method, parsed once: the tier's limiter, how the client is
 * found, and what a call costs.
 *
 * @param method the most specific method, whose parameter names the expressions see
 * @param targetClass the class of the target, as {@code #root.targetClass}
 * @param description the method, for messages
 * @param limiter the limiter of the tier
 * @param keyResolver finds the client when there is no key expression
 * @param keyArgument the argument that is the key ({@code key = "#userId"}), read
 * without SpEL; -1 when none
 * @param key the key expression, {@code null} when there is none or it is
 * {@code keyArgument}
 * @param cost the tokens a call takes, when there is no cost expression
 * @param costExpression computes the tokens a call takes, {@code null} for {@code cost}
 */
record RateLimitOperation(Method method, Class<?> targetClass, String description, TierRateLimiter limiter,
		ClientKeyResolver keyResolver, int keyArgument, @Nullable Expression key, long cost,
		@Nullable Expression costExpression) {

	/** The bucket of calls whose client cannot be told, such as a service call outside an HTTP request. */
	static final String NO_CLIENT = "none";

	boolean needsEvaluation() {
		return this.key != null || this.costExpression != null;
	}

	EvaluationContext evaluationContext(@Nullable Object[] args, @Nullable Object target,
			ParameterNameDiscoverer parameterNames, @Nullable BeanResolver beanResolver) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
				new MethodExpressionRoot(this.method, args, target, this.targetClass), this.method, args,
				parameterNames);
		if (beanResolver != null) {
			context.setBeanResolver(beanResolver);
		}
		return context;
	}

	/** Returns the client of a call; keys from expressions are marked so they never equal a resolver's. */
	String clientKey(@Nullable Object[] args, @Nullable EvaluationContext context) {
		if (this.keyArgument >= 0) {
			return expressionKey(args[this.keyArgument]);
		}
		if (this.key != null) {
			return expressionKey(this.key.getValue(context));
		}
		String resolved = this.keyResolver.resolve();
		return (resolved != null) ? resolved : NO_CLIENT;
	}

	long costOf(@Nullable EvaluationContext context) {
		if (this.costExpression == null) {
			return this.cost;
		}
		Object value = this.costExpression.getValue(context);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException("costExpression of @RateLimited on " + this.description
					+ " returned " + ((value != null) ? value.getClass().getName() : "null") + ", not a number");
		}
		return Math.max(1, number.longValue());
	}

	private static String expressionKey(@Nullable Object value) {
		return (value != null) ? "key:" + value : NO_CLIENT;
	}

}
