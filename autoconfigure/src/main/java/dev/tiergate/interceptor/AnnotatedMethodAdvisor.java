package dev.tiergate.interceptor;

import java.lang.reflect.Method;
import java.util.function.BiPredicate;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies an advice to the methods that carry its annotations, at an order among the
 * application's other advice. Each kind of advice has its own subclass, so that the
 * application can replace one of them by declaring a bean of its type.
 */
public abstract class AnnotatedMethodAdvisor extends AbstractPointcutAdvisor {

	private final transient Advice advice;

	private final transient Pointcut pointcut;

	/**
	 * Creates an advisor.
	 * @param advice the advice to apply
	 * @param annotated tells whether a method called on a target class carries the
	 * annotations
	 * @param order the order of this advisor among others
	 */
	protected AnnotatedMethodAdvisor(Advice advice, BiPredicate<Method, Class<?>> annotated, int order) {
		this.advice = advice;
		this.pointcut = new StaticMethodMatcherPointcut() {

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return annotated.test(method, targetClass);
			}

		};
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
