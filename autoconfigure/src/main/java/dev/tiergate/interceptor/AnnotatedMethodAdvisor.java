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

/**
 * Applies an advice to the methods that carry its annotations, at an order among the
 * application's other advice. Each kind of advice has its own subclass, so that the
 * application can replace one of them by declaring a bean of its type.
 * <p>
 * The pointcut is a value: the pointcuts of two advisors of one type are equal and print
 * alike, because which methods they match depends on the type alone. Spring AOP keys its
 * cache of proxy classes by the pointcuts' {@code toString}, so every application
 * context (of a test suite, say) reuses one proxy class per target class instead of
 * defining a new one in Metaspace.
 */
public abstract class AnnotatedMethodAdvisor extends AbstractPointcutAdvisor {

	private final transient Advice advice;

	private final transient Set<Class<? extends Annotation>> annotationTypes;

	private final transient Pointcut pointcut;

	/**
	 * Creates an advisor.
	 * @param advice the advice to apply
	 * @param order the order of this advisor among others
	 * @param annotationTypes the annotations of the advice; the same for every advisor of
	 * one type, since the pointcuts of all advisors of one type are equal
	 */
	protected AnnotatedMethodAdvisor(Advice advice, int order, Set<Class<? extends Annotation>> annotationTypes) {
		this.advice = advice;
		this.annotationTypes = annotationTypes;
		this.pointcut = new AnnotatedMethodPointcut(this);
		setOrder(order);
	}

	private boolean matches(Method method, Class<?> targetClass) {
		return !DeclaredAnnotations.find(method, targetClass, this.annotationTypes).isEmpty();
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
