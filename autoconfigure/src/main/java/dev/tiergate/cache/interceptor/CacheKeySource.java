package dev.tiergate.cache.interceptor;

import dev.tiergate.cache.ArgumentsKey;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * Computes the cache key of a call. Keys that are all arguments or one parameter
 * ({@code #id}, {@code #p0}) are read without SpEL, so the common case costs no
 * expression evaluation.
 */
abstract sealed class CacheKeySource {

	static final CacheKeySource ALL_ARGUMENTS = new AllArguments();

	abstract Object key(@Nullable Object[] args, @Nullable CacheEvaluation evaluation);

	boolean needsEvaluation() {
		return false;
	}

	/** Turns an evaluated key into one whose equality is by content, as in L2. */
	static Object normalize(@Nullable Object key, String description) {
		if (key == null) {
			throw new IllegalArgumentException("Null key returned by " + description
					+ "; a tiered cache key must not be null");
		}
		if (key instanceof Object[] array) {
			return ArgumentsKey.of(array);
		}
		return key.getClass().isArray() ? new ArgumentsKey(new Object[] { key }) : key;
	}

	private static final class AllArguments extends CacheKeySource {

		@Override
		Object key(@Nullable Object[] args, @Nullable CacheEvaluation evaluation) {
			return ArgumentsKey.of(args);
		}

	}

	static final class Argument extends CacheKeySource {

		private final int index;

		private final String description;

		Argument(int index, String description) {
			this.index = index;
			this.description = description;
		}

		int index() {
			return this.index;
		}

		@Override
		Object key(@Nullable Object[] args, @Nullable CacheEvaluation evaluation) {
			Object key = args[this.index];
			return (key != null && !key.getClass().isArray()) ? key : normalize(key, this.description);
		}

	}

	static final class Evaluated extends CacheKeySource {

		private final Expression expression;

		private final String description;

		Evaluated(Expression expression, String description) {
			this.expression = expression;
			this.description = description;
		}

		@Override
		Object key(@Nullable Object[] args, @Nullable CacheEvaluation evaluation) {
			return normalize(evaluation.value(this.expression), this.description);
		}

		@Override
		boolean needsEvaluation() {
			return true;
		}

	}

}
