package dev.tiergate.cache.interceptor;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Advises the methods that carry tiered cache annotations with a
 * {@link TieredCacheInterceptor}. Its order (property {@code tiergate.cache.order}) places
 * it among the application's other advice; by default it runs inside rate limiting and
 * outside {@code @Transactional}, so a cache hit opens no transaction.
 */
public final class TieredCacheAdvisor extends AbstractPointcutAdvisor {

	private final transient TieredCacheInterceptor interceptor;

	private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return TieredCacheOperationSource.isAnnotated(method, targetClass);
		}

	};

	/**
	 * Creates an advisor.
	 * @param interceptor the interceptor to apply
	 * @param order the order of this advisor among others
	 */
	public TieredCacheAdvisor(TieredCacheInterceptor interceptor, int order) {
		this.interceptor = interceptor;
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

}
