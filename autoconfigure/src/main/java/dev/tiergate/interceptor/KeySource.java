package dev.tiergate.interceptor;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * Where the key of a call comes from: all its arguments, one argument ({@code #id},
 * {@code #p0}) or an expression. The first two are read without SpEL, so the common
 * case costs no evaluation. Caching and rate limiting each turn the value into their
 * kind of key.
 */
public sealed interface KeySource {

	/** The key of a method whose annotation names none: all its arguments. */
	KeySource ALL_ARGUMENTS = new AllArguments();

	/**
	 * Returns the key value of a call.
	 * @param args the arguments of the call
	 * @param evaluation the evaluation of the call, present when
	 * {@link #needsEvaluation()}
	 * @return the value: the arguments array itself for {@link AllArguments}
	 */
	@Nullable Object value(@Nullable Object[] args, @Nullable MethodEvaluation evaluation);

	/**
	 * Returns whether the value needs a SpEL evaluation.
	 * @return whether it is an expression
	 */
	default boolean needsEvaluation() {
		return false;
	}

	/** All arguments, as an array. */
	record AllArguments() implements KeySource {

		@Override
		public Object value(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
			return args;
		}

	}

	/**
	 * One argument, read directly.
	 *
	 * @param index the position of the parameter
	 */
	record Argument(int index) implements KeySource {

		@Override
		public @Nullable Object value(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
			return args[this.index];
		}

	}

	/**
	 * The value of an expression.
	 *
	 * @param expression the parsed expression
	 */
	record Evaluated(Expression expression) implements KeySource {

		@Override
		public @Nullable Object value(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
			if (evaluation == null) {
				throw new IllegalStateException("The key '" + this.expression.getExpressionString()
						+ "' is evaluated without an evaluation of the call");
			}
			return evaluation.value(this.expression);
		}

		@Override
		public boolean needsEvaluation() {
			return true;
		}

	}

}
