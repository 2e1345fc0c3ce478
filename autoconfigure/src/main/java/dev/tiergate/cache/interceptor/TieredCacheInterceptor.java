package dev.tiergate.cache.interceptor;

import java.util.List;

import dev.tiergate.cache.CachedValue;
import dev.tiergate.cache.TieredCache;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;

/**
 * Applies {@code @TieredCacheable}, {@code @TieredCachePut} and {@code @TieredCacheEvict}
 * around a method call. An L1 hit of a method whose key needs no SpEL allocates nothing
 * here: the operations are looked up by method, the key is read from the arguments, and
 * the loader is created only on a miss.
 */
public final class TieredCacheInterceptor implements MethodInterceptor {

	private final TieredCacheOperationSource operationSource;

	private final @Nullable BeanResolver beanResolver;

	/**
	 * Creates an interceptor.
	 * @param operationSource the source of the operations of each method
	 * @param beanResolver resolves {@code @beanName} references in expressions, if any
	 */
	public TieredCacheInterceptor(TieredCacheOperationSource operationSource, @Nullable BeanResolver beanResolver) {
		this.operationSource = operationSource;
		this.beanResolver = beanResolver;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		CacheOperations operations = this.operationSource.get(invocation.getMethod(), target);
		if (operations == null) {
			return invocation.proceed();
		}
		@Nullable Object[] args = invocation.getArguments();
		CacheEvaluation evaluation = operations.needsEvaluation() ? new CacheEvaluation(operations.method(), args,
				target, operations.targetClass(), this.operationSource.parameterNames(), this.beanResolver) : null;
		// Indexed loops: an L1 hit of a method without evictions allocates no iterator.
		List<CacheOperation> evicts = operations.evicts();
		for (int i = 0; i < evicts.size(); i++) {
			if (evicts.get(i).beforeInvocation()) {
				evict(evicts.get(i), args, evaluation);
			}
		}
		Object result = (operations.cacheable() != null) ? readThrough(invocation, operations, args, evaluation)
				: invocation.proceed();
		CacheOperation put = operations.put();
		if (put != null || operations.evictsAfterInvocation()) {
			Object value = operations.unwrap(result);
			if (evaluation != null) {
				evaluation.setResult(value);
			}
			if (put != null && put.applies(evaluation) && !put.vetoes(evaluation, value)) {
				put.cache().put(put.keyOf(args, evaluation), operations.valueType(), value);
			}
			for (int i = 0; i < evicts.size(); i++) {
				if (!evicts.get(i).beforeInvocation()) {
					evict(evicts.get(i), args, evaluation);
				}
			}
		}
		return result;
	}

	private @Nullable Object readThrough(MethodInvocation invocation, CacheOperations operations,
			@Nullable Object[] args, @Nullable CacheEvaluation evaluation) throws Throwable {
		CacheOperation cacheable = operations.cacheable();
		if (!cacheable.applies(evaluation)) {
			return invocation.proceed();
		}
		Object key = cacheable.keyOf(args, evaluation);
		TieredCache cache = cacheable.cache();
		CachedValue cached = cache.getIfPresent(key);
		Object value = (cached != null) ? cached.get()
				: cache.get(key, operations.valueType(), () -> operations.unwrap(invocation.proceed()),
						(loaded) -> !cacheable.vetoes(evaluation, loaded));
		return operations.wrap(value);
	}

	private static void evict(CacheOperation evict, @Nullable Object[] args, @Nullable CacheEvaluation evaluation) {
		if (!evict.applies(evaluation)) {
			return;
		}
		if (evict.allEntries()) {
			evict.cache().clear();
		}
		else {
			evict.cache().evict(evict.keyOf(args, evaluation));
		}
	}

}
