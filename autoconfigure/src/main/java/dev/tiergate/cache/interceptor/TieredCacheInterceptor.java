package dev.tiergate.cache.interceptor;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.tiergate.cache.CachedValue;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.interceptor.AnnotatedMethodInterceptor;
import dev.tiergate.interceptor.MethodEvaluation;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
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
		AsyncReturn async = operations.async();
		if (async != null) {
			return invokeAsync(invocation, operations, async, args, evaluation);
		}
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

	/**
	 * The same operations on a method whose result completes later: the value it
	 * completes with is what is cached, what {@code unless} and {@code #result} see, and
	 * what puts and evictions after the invocation wait for. An L1 hit answers with a
	 * completed result; otherwise the method is invoked (for a publisher, on subscription)
	 * and nothing waits for Redis, evictions before the invocation included (their L1
	 * part is done at the call, their L2 part follows).
	 */
	private static @Nullable Object invokeAsync(MethodInvocation invocation, CacheOperations operations,
			AsyncReturn async, @Nullable Object[] args, @Nullable MethodEvaluation evaluation) throws Throwable {
		evictAsync(operations.evictsBefore(), args, evaluation);
		CacheOperation.Cacheable cacheable = operations.cacheable();
		boolean reads = cacheable != null && cacheable.applies(evaluation);
		if (!reads && !operations.usesResult()) {
			return invocation.proceed();
		}
		if (cacheable == null || !reads) {
			return async.deferred(() -> afterCompletion(operations, args, evaluation,
					async.value(proceed(invocation))));
		}
		Object key = cacheable.keyOf(args, evaluation);
		TieredCache cache = cacheable.cache();
		if (!operations.usesResult()) {
			CachedValue cached = cache.getIfPresent(key);
			if (cached != null) {
				return async.completed(cached.get());
			}
		}
		return async.readThrough((loader) -> afterCompletion(operations, args, evaluation,
				cache.getAsync(key, operations.valueType(), loader, (loaded) -> !cacheable.vetoes(evaluation, loaded))),
				() -> proceed(invocation));
	}

	/** Puts and evicts once the value is there, as {@link #invoke} does once the method returned. */
	private static CompletionStage<?> afterCompletion(CacheOperations operations, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation, CompletionStage<?> value) {
		if (!operations.usesResult()) {
			return value;
		}
		return value.thenApply((completed) -> {
			if (evaluation != null) {
				evaluation.setResult(completed);
			}
			CacheOperation.Put put = operations.put();
			if (put != null && put.stores(evaluation, completed)) {
				put.cache().putAsync(put.keyOf(args, evaluation), operations.valueType(), completed);
			}
			evictAsync(operations.evictsAfter(), args, evaluation);
			return completed;
		});
	}

	/**
	 * Invokes the method, on a copy of the invocation when it may run more than once (a
	 * publisher subscribed again), and turns what it throws into a failed result.
	 */
	private static @Nullable Object proceed(MethodInvocation invocation) {
		try {
			MethodInvocation call = (invocation instanceof ProxyMethodInvocation proxy) ? proxy.invocableClone()
					: invocation;
			return call.proceed();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new CompletionException(ex);
		}
	}

	private static void evictAsync(List<CacheOperation.Evict> evicts, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation) {
		for (int i = 0; i < evicts.size(); i++) {
			evicts.get(i).applyAsync(args, evaluation);
		}
	}

	// An indexed loop: an L1 hit of a method without evictions allocates no iterator.
	private static void evict(List<CacheOperation.Evict> evicts, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation) {
		for (int i = 0; i < evicts.size(); i++) {
			evicts.get(i).apply(args, evaluation);
		}
	}

}
