package dev.tiergate.cache.interceptor;

import java.util.List;

import dev.tiergate.cache.CachedValue;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.interceptor.AnnotatedMethodInterceptor;
import dev.tiergate.interceptor.MethodEvaluation;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;

/**
 * Applies {@code @TieredCacheable}, {@code @TieredCachePut} and {@code @TieredCacheEvict}
 * around a method call. An L1 hit of a method whose key needs no SpEL allocates nothing
 * here: the operations are looked up by method, the key is read from the arguments, and
 * the loader is created only on a miss.
 */
final class TieredCacheInterceptor extends AnnotatedMethodInterceptor<CacheOperations> {

	/**
	 * Creates an interceptor.
	 * @param operationSource the source of the operations of each method
	 * @param beanResolver resolves {@code @beanName} references in expressions, if any
	 */
	TieredCacheInterceptor(TieredCacheOperationSource operationSource, @Nullable BeanResolver beanResolver) {
		super(operationSource, beanResolver);
	}

	@Override
	protected @Nullable Object invoke(MethodInvocation invocation, CacheOperations operations,
			@Nullable Object[] args, @Nullable MethodEvaluation evaluation) throws Throwable {
		evict(operations.evictsBefore(), args, evaluation);
		CacheOperation.Cacheable cacheable = operations.cacheable();
		Object result = (cacheable != null) ? readThrough(invocation, operations, cacheable, args, evaluation)
				: invocation.proceed();
		if (operations.usesResult()) {
			Object value = operations.unwrap(result);
			if (evaluation != null) {
				evaluation.setResult(value);
			}
			CacheOperation.Put put = operations.put();
			if (put != null && put.stores(evaluation, value)) {
				put.cache().put(put.keyOf(args, evaluation), operations.valueType(), value);
			}
			evict(operations.evictsAfter(), args, evaluation);
		}
		return result;
	}

	private static @Nullable Object readThrough(MethodInvocation invocation, CacheOperations operations,
			CacheOperation.Cacheable cacheable, @Nullable Object[] args, @Nullable MethodEvaluation evaluation)
			throws Throwable {
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

	// An indexed loop: an L1 hit of a method without evictions allocates no iterator.
	private static void evict(List<CacheOperation.Evict> evicts, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation) {
		for (int i = 0; i < evicts.size(); i++) {
			evicts.get(i).apply(args, evaluation);
		}
	}

}
