package dev.tiergate.cache.interceptor;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

import dev.tiergate.interceptor.AnnotatedMethod;
import dev.tiergate.interceptor.MethodOperation;
import org.jspecify.annotations.Nullable;

/**
 * Everything tiergate does around one method, computed once per method and target
 * class.
 *
 * @param method the method, whose parameter names the expressions see
 * @param valueType the type cached values are bound to: the declared return type, its
 * element type for an {@link Optional} or an asynchronous type, a list of its elements for
 * a {@code Flux}
 * @param optional whether the method returns an {@link Optional}, which is cached by its
 * content
 * @param async the asynchronous type the method returns ({@code CompletableFuture},
 * {@code Mono}, {@code Flux}), whose value is cached, or {@code null} for a value returned
 * at once
 * @param cacheable the {@code @TieredCacheable} operation, if any
 * @param put the {@code @TieredCachePut} operation, if any
 * @param evictsBefore the {@code @TieredCacheEvict} operations that happen before the
 * invocation, in declaration order
 * @param evictsAfter the {@code @TieredCacheEvict} operations that happen after it, in
 * declaration order
 * @param needsEvaluation whether any operation needs a SpEL evaluation
 */
record CacheOperations(AnnotatedMethod method, Type valueType, boolean optional, @Nullable AsyncReturn async,
		CacheOperation.@Nullable Cacheable cacheable, CacheOperation.@Nullable Put put,
		List<CacheOperation.Evict> evictsBefore, List<CacheOperation.Evict> evictsAfter,
		boolean needsEvaluation) implements MethodOperation {

	/** Whether the result is needed after the invocation: to store it, or for an eviction. */
	boolean usesResult() {
		return this.put != null || !this.evictsAfter.isEmpty();
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
