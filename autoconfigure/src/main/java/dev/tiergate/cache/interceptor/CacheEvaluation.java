package dev.tiergate.cache.interceptor;

import java.lang.reflect.Method;

import dev.tiergate.MethodExpressionRoot;
import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;

/**
 * The SpEL evaluation state of one call: created only for methods whose annotations use
 * expressions that need it.
 */
final class CacheEvaluation {

	private final MethodBasedEvaluationContext context;

	CacheEvaluation(Method method, @Nullable Object[] args, @Nullable Object target, Class<?> targetClass,
			ParameterNameDiscoverer parameterNames, @Nullable BeanResolver beanResolver) {
		this.context = new MethodBasedEvaluationContext(new MethodExpressionRoot(method, args, target, targetClass),
				method, args, parameterNames);
		if (beanResolver != null) {
			this.context.setBeanResolver(beanResolver);
		}
	}

	void setResult(@Nullable Object result) {
		this.context.setVariable("result", result);
	}

	boolean isTrue(Expression expression) {
		return Boolean.TRUE.equals(expression.getValue(this.context, Boolean.class));
	}

	@Nullable Object value(Expression expression) {
		return expression.getValue(this.context);
	}

}
