package dev.tiergate.cache.spring;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.function.IntSupplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CacheableOperation;

/**
 * Opens a {@link CachedCallScope} around each call of a method that Spring's
 * {@code @Cacheable} caches without {@code sync}, just outside Spring's cache aspect, so
 * that the call's single flights end when it does (see {@link MissFlights}).
 */
final class CachedCallScopeAdvisor extends StaticMethodMatcherPointcutAdvisor {

	private final CacheOperationSource operations;

	private final IntSupplier springCacheOrder;

	/**
	 * Creates the advisor.
	 * @param operations the source of Spring's cache operations
	 * @param springCacheOrder the order of Spring's cache advisor, read when advisors
	 * are sorted: this one runs just outside it
	 */
	CachedCallScopeAdvisor(CacheOperationSource operations, IntSupplier springCacheOrder) {
		super(new ScopeInterceptor());
		this.operations = operations;
		this.springCacheOrder = springCacheOrder;
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		Collection<CacheOperation> declared = this.operations.getCacheOperations(method, targetClass);
		return declared != null && declared.stream()
			.anyMatch((operation) -> operation instanceof CacheableOperation cacheable && !cacheable.isSync());
	}

	@Override
	public int getOrder() {
		int order = this.springCacheOrder.getAsInt();
		return (order != Integer.MIN_VALUE) ? order - 1 : order;
	}

	private static final class ScopeInterceptor implements MethodInterceptor {

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			CachedCallScope scope = CachedCallScope.open();
			int mark = scope.mark();
			try {
				return invocation.proceed();
			}
			finally {
				scope.close(mark);
			}
		}

	}

}
