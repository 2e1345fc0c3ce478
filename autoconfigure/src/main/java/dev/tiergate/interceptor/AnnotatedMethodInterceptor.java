package dev.tiergate.interceptor;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;

/**
 * Applies the operation of an annotated method around its calls. A call of a method whose
 * operation needs no SpEL creates no evaluation: the operation is looked up by method and
 * the subclass applies it to the arguments.
 *
 * @param <T> the type of the operations
 */
public abstract class AnnotatedMethodInterceptor<T extends MethodOperation> implements MethodInterceptor {

	private final AnnotatedOperationSource<T> operationSource;

	private final @Nullable BeanResolver beanResolver;

	/**
	 * Creates an interceptor.
	 * @param operationSource the source of the operation of each method
	 * @param beanResolver resolves {@code @beanName} references in expressions, if any
	 */
	protected AnnotatedMethodInterceptor(AnnotatedOperationSource<T> operationSource,
			@Nullable BeanResolver beanResolver) {
		this.operationSource = operationSource;
		this.beanResolver = beanResolver;
	}

	/**
	 * Returns the source of the operation of each method.
	 * @return the operation source
	 */
	public final AnnotatedOperationSource<T> operationSource() {
		return this.operationSource;
	}

	@Override
	public final @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		T operation = this.operationSource.get(invocation.getMethod(), target);
		if (operation == null) {
			return invocation.proceed();
		}
		@Nullable Object[] args = invocation.getArguments();
		MethodEvaluation evaluation = operation.needsEvaluation()
				? operation.method().evaluation(args, target, this.beanResolver) : null;
		return invoke(invocation, operation, args, evaluation);
	}

	/**
	 * Applies the operation around one call.
	 * @param invocation the call
	 * @param operation the operation of the method
	 * @param args the arguments of the call
	 * @param evaluation the evaluation of the call, present when the operation
	 * {@linkplain MethodOperation#needsEvaluation() needs one}
	 * @return what the call returns
	 * @throws Throwable what the method or the operation throws
	 */
	protected abstract @Nullable Object invoke(MethodInvocation invocation, T operation, @Nullable Object[] args,
			@Nullable MethodEvaluation evaluation) throws Throwable;

}
