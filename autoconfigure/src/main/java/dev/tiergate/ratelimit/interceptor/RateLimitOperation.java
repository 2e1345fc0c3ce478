package dev.tiergate.ratelimit.interceptor;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;

import dev.tiergate.MethodExpressionRoot;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.RateLimitCostException;
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

	/**
	 * Returns what a call costs: {@code cost}, or what the cost expression computed.
	 * @return the tokens, from 0 (a free call) to the tier's smallest capacity
	 * @throws RateLimitCostException if the expression computed no whole number of tokens
	 * in that range
	 */
	long costOf(@Nullable EvaluationContext context) {
		if (this.costExpression == null) {
			return this.cost;
		}
		Object value = this.costExpression.getValue(context);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException("costExpression of @RateLimited on " + this.description
					+ " returned " + ((value != null) ? value.getClass().getName() : "null") + ", not a number");
		}
		long cost = wholeTokens(number);
		long capacity = this.limiter.tier().smallestCapacity();
		if (cost > capacity) {
			throw refused(number, "more tokens than tier '" + this.limiter.tier().name() + "' ever holds (" + capacity
					+ "): the call could never be allowed");
		}
		return cost;
	}

	private long wholeTokens(Number number) {
		if (number instanceof Long || number instanceof Integer || number instanceof Short
				|| number instanceof Byte) {
			return nonNegative(number, number.longValue());
		}
		BigDecimal exact;
		if (number instanceof BigInteger integer) {
			exact = new BigDecimal(integer);
		}
		else if (number instanceof BigDecimal decimal) {
			exact = decimal;
		}
		else if (number instanceof Double || number instanceof Float) {
			double value = number.doubleValue();
			if (!Double.isFinite(value)) {
				throw refused(number, "not a number of tokens");
			}
			exact = BigDecimal.valueOf(value);
		}
		else {
			// AtomicLong, LongAdder and the like: exact as a long.
			return nonNegative(number, number.longValue());
		}
		if (exact.signum() < 0) {
			throw refused(number, "negative (an int expression that overflowed? use long arithmetic: 1000L)");
		}
		try {
			return exact.longValueExact();
		}
		catch (ArithmeticException ex) {
			throw refused(number, (exact.stripTrailingZeros().scale() > 0) ? "not a whole number of tokens"
					: "beyond the range of a long");
		}
	}

	private long nonNegative(Number number, long cost) {
		if (cost < 0) {
			throw refused(number, "negative (an int expression that overflowed? use long arithmetic: 1000L)");
		}
		return cost;
	}

	private RateLimitCostException refused(Number number, String problem) {
		return new RateLimitCostException(this.limiter.tier().name(), "costExpression of @RateLimited on "
				+ this.description + " returned " + number + " (" + number.getClass().getSimpleName() + "), which is "
				+ problem + "; the call was not made");
	}

	private String expressionKey(@Nullable Object value) {
		return (value != null) ? "key:" + RateLimitKeyText.of(value, this.description) : NO_CLIENT;
	}

}
