package dev.tiergate.cache.interceptor;

import dev.tiergate.cache.ArgumentsKey;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.interceptor.KeySource;
import dev.tiergate.interceptor.MethodEvaluation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * One tiered cache annotation on one method, parsed once: the cache it uses and its key.
 * Each annotation has its own type.
 */
sealed interface CacheOperation {

	/**
	 * The cache.
	 * @return the cache
	 */
	TieredCache cache();

	/**
	 * Where the key of a call comes from.
	 * @return the key source
	 */
	KeySource key();

	/**
	 * Names the key and the annotation in the message of a null key.
	 * @return the description
	 */
	String keyDescription();

	default boolean needsEvaluation() {
		return key().needsEvaluation();
	}

	/** Returns the key of a call, compared by content as in L2. */
	default Object keyOf(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
		Object key = key().value(args, evaluation);
		if (key != null && !key.getClass().isArray()) {
			return key;
		}
		if (key == null) {
			throw new IllegalArgumentException("Null key returned by " + keyDescription()
					+ "; a tiered cache key must not be null");
		}
		return (key instanceof Object[] array) ? ArgumentsKey.of(array) : new ArgumentsKey(new Object[] { key });
	}

	/** An operation that stores the result of the method: cacheable or put. */
	sealed interface Storing extends CacheOperation {

		/**
		 * When false, the operation is skipped.
		 * @return the condition, {@code null} for always
		 */
		@Nullable Expression condition();

		/**
		 * When true, a result is not stored.
		 * @return the expression, {@code null} for never
		 */
		@Nullable Expression unless();

		@Override
		default boolean needsEvaluation() {
			return CacheOperation.super.needsEvaluation() || condition() != null || unless() != null;
		}

		default boolean applies(@Nullable MethodEvaluation evaluation) {
			Expression condition = condition();
			if (condition == null) {
				return true;
			}
			if (evaluation == null) {
				throw new IllegalStateException("The condition '" + condition.getExpressionString()
						+ "' is evaluated without an evaluation of the call");
			}
			return evaluation.isTrue(condition);
		}

		/** Whether {@code unless} vetoes storing a result. */
		default boolean vetoes(@Nullable MethodEvaluation evaluation, @Nullable Object result) {
			Expression unless = unless();
			if (unless == null || evaluation == null) {
				return false;
			}
			evaluation.setResult(result);
			return evaluation.isTrue(unless);
		}

	}

	/**
	 * {@code @TieredCacheable}: reads through the cache.
	 *
	 * @param cache the cache
	 * @param key where the key of a call comes from
	 * @param keyDescription names the key in messages
	 * @param condition when false, the call bypasses the cache; {@code null} for always
	 * @param unless when true, a loaded value is not stored; {@code null} for never
	 */
	record Cacheable(TieredCache cache, KeySource key, String keyDescription, @Nullable Expression condition,
			@Nullable Expression unless) implements Storing {
	}

	/**
	 * {@code @TieredCachePut}: always invokes the method and stores its result.
	 *
	 * @param cache the cache
	 * @param key where the key of a call comes from
	 * @param keyDescription names the key in messages
	 * @param condition when false, nothing is stored; {@code null} for always
	 * @param unless when true, the result is not stored; {@code null} for never
	 */
	record Put(TieredCache cache, KeySource key, String keyDescription, @Nullable Expression condition,
			@Nullable Expression unless) implements Storing {

		boolean stores(@Nullable MethodEvaluation evaluation, @Nullable Object result) {
			return applies(evaluation) && !vetoes(evaluation, result);
		}

	}

	/**
	 * {@code @TieredCacheEvict}: removes one entry, or all of them.
	 *
	 * @param cache the cache
	 * @param key where the key of a call comes from; unused for {@code allEntries}
	 * @param keyDescription names the key in messages
	 * @param allEntries whether it clears the whole cache
	 * @param beforeInvocation whether it happens before the invocation
	 */
	record Evict(TieredCache cache, KeySource key, String keyDescription, boolean allEntries,
			boolean beforeInvocation) implements CacheOperation {

		void apply(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
			if (this.allEntries) {
				this.cache.clear();
			}
			else {
				this.cache.evict(keyOf(args, evaluation));
			}
		}

		/** As {@link #apply}, without waiting for Redis: after an asynchronous result completed. */
		void applyAsync(@Nullable Object[] args, @Nullable MethodEvaluation evaluation) {
			if (this.allEntries) {
				this.cache.clearAsync();
			}
			else {
				this.cache.evictAsync(keyOf(args, evaluation));
			}
		}

	}

}
