package dev.tiergate.ratelimit.interceptor;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Advises {@code @RateLimited} methods, and the public methods of {@code @RateLimited}
 * classes, with a {@link RateLimitInterceptor}. Its order (property
 * {@code tiergate.rate-limit.order}) places it among the application's other advice; by
 * default it runs outside the tiered cache, so an answer from the cache still takes
 * tokens.
 */
public final class RateLimitAdvisor extends AbstractPointcutAdvisor {

	private final transient RateLimitInterceptor interceptor;

	private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return RateLimitOperationSource.isAnnotated(method, targetClass);
		}

	};

	/**
	 * Creates an advisor.
	 * @param interceptor the interceptor to apply
	 * @param order the order of this advisor among others
	 */
	public RateLimitAdvisor(RateLimitInterceptor interceptor, int order) {
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
