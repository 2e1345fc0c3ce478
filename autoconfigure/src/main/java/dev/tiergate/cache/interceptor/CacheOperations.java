package dev.tiergate.cache.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Everything tiergate does around one method, computed once per method and target
 * class.
 *
 * @param method the most specific method, whose parameter names the expressions see
 * @param targetClass the class of the target, as {@code #root.targetClass}
 * @param valueType the type cached values are bound to: the declared return type, or its
 * element type for an {@link Optional}
 * @param optional whether the method returns an {@link Optional}, which is cached by its
 * content
 * @param cacheable the {@code @TieredCacheable} operation, if any
 * @param put the {@code @TieredCachePut} operation, if any
 * @param evicts the {@code @TieredCacheEvict} operations, in declaration order, empty if
 * none
 * @param needsEvaluation whether any operation needs a SpEL evaluation context
 */
record CacheOperations(Method method, Class<?> targetClass, Type valueType, boolean optional, @Nullable CacheOperation cacheable,
		@Nullable CacheOperation put, List<CacheOperation> evicts, boolean needsEvaluation) {

	/** Whether any eviction happens after the invocation, so the result is needed. */
	boolean evictsAfterInvocation() {
		for (int i = 0; i < this.evicts.size(); i++) {
			if (!this.evicts.get(i).beforeInvocation()) {
				return true;
			}
		}
		return false;
	}

	/** Turns a method result into the value cached: an empty Optional is a null. */
	@Nullable Object unwrap(@Nullable Object result) {
		return (this.optional && result instanceof Optional<?> present) ? present.orElse(null) : result;
	}

	/** Turns a cached value back into what the method returns. */
	@Nullable Object wrap(@Nullable Object value) {
		return this.optional ? Optional.ofNullable(value) : value;
	}

}
