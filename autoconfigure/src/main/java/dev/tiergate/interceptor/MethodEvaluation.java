package dev.tiergate.interceptor;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.Expression;

/**
 * The SpEL evaluation state of one call of an annotated method, created by
 * {@link AnnotatedMethod#evaluation} only for methods whose annotations use expressions.
 * Where {@code #result} may be read, the startup parse has already checked; the advice
 * sets it once the method has returned.
 */
public final class MethodEvaluation {

	private final MethodBasedEvaluationContext context;

	MethodEvaluation(MethodBasedEvaluationContext context) {
		this.context = context;
	}

	/**
	 * Makes the result of the method {@code #result}.
	 * @param result what the method returned
	 */
	public void setResult(@Nullable Object result) {
		this.context.setVariable("result", result);
	}

	/**
	 * Evaluates a condition.
	 * @param expression the expression
	 * @return whether it evaluated to {@code true}
	 */
	public boolean isTrue(Expression expression) {
		return Boolean.TRUE.equals(expression.getValue(this.context, Boolean.class));
	}

	/**
	 * Evaluates an expression.
	 * @param expression the expression
	 * @return its value
	 */
	public @Nullable Object value(Expression expression) {
		return expression.getValue(this.context);
	}

}
