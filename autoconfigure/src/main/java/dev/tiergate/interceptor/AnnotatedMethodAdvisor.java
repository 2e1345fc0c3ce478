package dev.tiergate.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Set;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Applies an advice to the methods that carry its annotations, at an order among the
 * application's other advice. Each kind of advice has its own subclass, so that the
 * application can replace one of them by declaring a bean of its type. The advisor is the
 * one public entry of its advice: it creates the interceptor and the operation source, and
 * the {@linkplain #methodValidator validator} that parses their annotations at startup.
 * <p>
 * The pointcut is a value: the pointcuts of two advisors of one type are equal and print
 * alike, because which methods they match depends on the type alone. Spring AOP keys its
 * cache of proxy classes by the pointcuts' {@code toString}, so every application
 * context (of a test suite, say) reuses one proxy class per target class instead of
 * defining a new one in Metaspace.
 */
public abstract class AnnotatedMethodAdvisor extends AbstractPointcutAdvisor {

	private final transient Advice advice;

	private final transient AnnotatedOperationSource<?> operationSource;

	private final transient Set<Class<? extends Annotation>> annotationTypes;

	private final transient Pointcut pointcut;

	/**
	 * Creates an advisor.
	 * @param interceptor the interceptor to apply; the annotations of its operation source
	 * are the same for every advisor of one type, since the pointcuts of all advisors of one
	 * type are equal
	 * @param order the order of this advisor among others
	 */
	protected AnnotatedMethodAdvisor(AnnotatedMethodInterceptor<?> interceptor, int order) {
		this.advice = interceptor;
		this.operationSource = interceptor.operationSource();
		this.annotationTypes = this.operationSource.annotationTypes();
		this.pointcut = new AnnotatedMethodPointcut(this);
		setOrder(order);
	}

	private boolean matches(Method method, Class<?> targetClass) {
		return !DeclaredAnnotations.find(method, targetClass, this.annotationTypes).isEmpty();
	}

	/**
	 * Returns a validator that parses this advisor's annotations on every singleton bean of
	 * a bean factory once all of them exist, so that an annotation that cannot work fails
	 * the application at startup, naming the method, instead of failing its first call.
	 * Register it as a bean.
	 * @param beanFactory the bean factory whose beans to check
	 * @return the validator
	 */
	public final SmartInitializingSingleton methodValidator(ConfigurableListableBeanFactory beanFactory) {
		return new AnnotatedMethodValidator(beanFactory, this.operationSource);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof AnnotatedMethodAdvisor that && that.getClass() == getClass()
				&& that.advice.equals(this.advice) && that.getOrder() == getOrder());
	}

	@Override
	public int hashCode() {
		return Objects.hash(getClass(), this.advice, getOrder());
	}

	@Override
	public String toString() {
		return getClass().getName() + " [order " + getOrder() + ", advice " + this.advice.getClass().getName() + "]";
	}

	/** Matches what its advisor's type matches; equal to every pointcut of that type. */
	private static final class AnnotatedMethodPointcut extends StaticMethodMatcherPointcut {

		private final AnnotatedMethodAdvisor advisor;

		AnnotatedMethodPointcut(AnnotatedMethodAdvisor advisor) {
			this.advisor = advisor;
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.advisor.matches(method, targetClass);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other
					|| (other instanceof AnnotatedMethodPointcut that && that.advisor.getClass() == this.advisor.getClass());
		}

		@Override
		public int hashCode() {
			return this.advisor.getClass().hashCode();
		}

		@Override
		public String toString() {
			return "methods annotated for " + this.advisor.getClass().getName();
		}

	}

}
