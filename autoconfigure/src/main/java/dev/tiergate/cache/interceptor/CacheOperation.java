package dev.tiergate.cache.interceptor;

import dev.tiergate.cache.TieredCache;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * One annotation on one method, parsed once: the cache it uses, its key and its
 * expressions.
 *
 * @param cache the cache
 * @param key computes the key of a call
 * @param condition when false, the operation is skipped; {@code null} means always
 * @param unless when true, a result is not stored; {@code null} means never
 * @param allEntries for an eviction, whether it clears the whole cache
 * @param beforeInvocation for an eviction, whether it happens before the invocation
 */
record CacheOperation(TieredCache cache, CacheKeySource key, @Nullable Expression condition,
		@Nullable Expression unless, boolean allEntries, boolean beforeInvocation) {

	boolean needsEvaluation() {
		return this.key.needsEvaluation() || this.condition != null || this.unless != null;
	}

	boolean applies(@Nullable CacheEvaluation evaluation) {
		return this.condition == null || evaluation.isTrue(this.condition);
	}

	boolean vetoes(@Nullable CacheEvaluation evaluation, @Nullable Object result) {
		if (this.unless == null) {
			return false;
		}
		evaluation.setResult(result);
		return evaluation.isTrue(this.unless);
	}

	Object keyOf(@Nullable Object[] args, @Nullable CacheEvaluation evaluation) {
		return this.key.key(args, evaluation);
	}

}
