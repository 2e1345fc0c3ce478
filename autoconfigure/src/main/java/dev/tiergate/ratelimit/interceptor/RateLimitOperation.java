package dev.tiergate.ratelimit.interceptor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

import dev.tiergate.interceptor.AnnotatedMethod;
import dev.tiergate.interceptor.KeySource;
import dev.tiergate.interceptor.MethodEvaluation;
import dev.tiergate.interceptor.MethodOperation;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.RateLimitCostException;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * {@code @RateLimited} on one method, parsed once: the tier's limiter, how the client is
 * found, and what a call costs.
 *
 * @param method the method, whose parameter names the expressions see
 * @param limiter the limiter of the tier
 * @param keyResolver finds the client when there is no key
 * @param key where the client's key comes from ({@code key = "#userId"} is read without
 * SpEL), {@code null} to ask the key resolver
 * @param cost the tokens a call takes, when there is no cost expression
 * @param costExpression computes the tokens a call takes, {@code null} for {@code cost}
 * @param actualCostExpression computes what a call actually cost after it returned,
 * {@code null} when the estimate is the cost
 * @param refundOnError whether a call with an actual cost expression that throws gives
 * its tokens back
 */
record RateLimitOperation(AnnotatedMethod method, TierRateLimiter limiter, ClientKeyResolver keyResolver,
		@Nullable KeySource key, long cost, @Nullable Expression costExpression,
		@Nullable Expression actualCostExpression, boolean refundOnError) implements MethodOperation {

	/** The bucket of calls whose client cannot be told, such as a service call outside an HTTP request. */
	static final String NO_CLIENT = "none";

	private static final boolean ESTIMATE = false;

	private static final boolean ACTUAL = true;

	@Override
	public boolean needsEvaluation() {
		return (this.key != null && this.key.needsEvaluation()) || this.costExpression != null
				|| this.actualCostExpression != null;
	}

	/** Returns the client of a call; keys from the annotation are marked so they never equal a resolver's. */
	String clientKey(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
		String resolved = resolvedClientKey(args, evaluation);
		return (resolved != null) ? resolved : NO_CLIENT;
	}

	/** As {@link #clientKey}, but {@code null} when the key resolver knew no caller on this thread. */
	@Nullable String resolvedClientKey(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
		if (this.key != null) {
			return expressionKey(this.key.value(args, evaluation));
		}
		return this.keyResolver.resolve();
	}

	/**
	 * Returns what a call costs: {@code cost}, or what the cost expression computed.
	 * @return the tokens, from 0 (a free call) to the tier's smallest capacity
	 * @throws RateLimitCostException if the expression computed no whole number of tokens
	 * in that range
	 */
	long costOf(@Nullable MethodEvaluation evaluation) {
		Expression costExpression = this.costExpression;
		if (costExpression == null) {
			return this.cost;
		}
		Number number = number(costExpression, Objects.requireNonNull(evaluation, "evaluation"), ESTIMATE);
		long cost = wholeTokens(number, ESTIMATE);
		long capacity = this.limiter.smallestCapacity();
		if (cost > capacity) {
			throw refused(number, "more tokens than tier '" + this.limiter.tier().name() + "' ever holds (" + capacity
					+ "): the call could never be allowed", ESTIMATE);
		}
		return cost;
	}

	/**
	 * Returns what a call actually cost, computed from its result.
	 * @param evaluation the evaluation of the call, its result set
	 * @return the tokens, 0 or more (beyond a capacity too: the bucket limits the charge)
	 * @throws RuntimeException if the expression fails or computes no whole number of
	 * tokens
	 */
	long actualCostOf(MethodEvaluation evaluation) {
		Expression expression = Objects.requireNonNull(this.actualCostExpression, "actualCostExpression");
		return wholeTokens(number(expression, evaluation, ACTUAL), ACTUAL);
	}

	private Number number(Expression expression, MethodEvaluation evaluation, boolean actual) {
		Object value = evaluation.value(expression);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException(attribute(actual) + " of @RateLimited on " + this.method.description()
					+ " returned " + ((value != null) ? value.getClass().getName() : "null") + ", not a number");
		}
		return number;
	}

	private static String attribute(boolean actual) {
		return actual ? "actualCostExpression" : "costExpression";
	}

	private long wholeTokens(Number number, boolean actual) {
		if (number instanceof Long || number instanceof Integer || number instanceof Short
				|| number instanceof Byte) {
			return nonNegative(number, number.longValue(), actual);
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
				throw refused(number, "not a number of tokens", actual);
			}
			exact = BigDecimal.valueOf(value);
		}
		else {
			// AtomicLong, LongAdder and the like: exact as a long.
			return nonNegative(number, number.longValue(), actual);
		}
		if (exact.signum() < 0) {
			throw refused(number, "negative (an int expression that overflowed? use long arithmetic: 1000L)", actual);
		}
		try {
			return exact.longValueExact();
		}
		catch (ArithmeticException ex) {
			throw refused(number, (exact.stripTrailingZeros().scale() > 0) ? "not a whole number of tokens"
					: "beyond the range of a long", actual);
		}
	}

	private long nonNegative(Number number, long cost, boolean actual) {
		if (cost < 0) {
			throw refused(number, "negative (an int expression that overflowed? use long arithmetic: 1000L)", actual);
		}
		return cost;
	}

	private RateLimitCostException refused(Number number, String problem, boolean actual) {
		return new RateLimitCostException(this.limiter.tier().name(), attribute(actual) + " of @RateLimited on "
				+ this.method.description() + " returned " + number + " (" + number.getClass().getSimpleName()
				+ "), which is " + problem + (actual ? "; the estimate stands" : "; the call was not made"));
	}

	private String expressionKey(@Nullable Object value) {
		return (value != null) ? "key:" + RateLimitKeyText.of(value, this.method.description()) : NO_CLIENT;
	}

}
