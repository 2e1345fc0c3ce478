package dev.tiergate;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * Root object of the SpEL expressions of tiergate's annotations ({@code key},
 * {@code condition}, {@code unless}, {@code costExpression}), reached as {@code #root}:
 * {@code #root.args}, {@code #root.method}, {@code #root.methodName},
 * {@code #root.target}, {@code #root.targetClass}. Arguments are also variables:
 * {@code #id}, {@code #p0}.
 */
public final class MethodExpressionRoot {

	private final Method method;

	private final @Nullable Object[] args;

	private final @Nullable Object target;

	private final Class<?> targetClass;

	public MethodExpressionRoot(Method method, @Nullable Object[] args, @Nullable Object target, Class<?> targetClass) {
		this.method = method;
		this.args = args;
		this.target = target;
		this.targetClass = targetClass;
	}

	public Method getMethod() {
		return this.method;
	}

	public String getMethodName() {
		return this.method.getName();
	}

	public @Nullable Object[] getArgs() {
		return this.args;
	}

	public @Nullable Object getTarget() {
		return this.target;
	}

	public Class<?> getTargetClass() {
		return this.targetClass;
	}

}
