package dev.tiergate.interceptor;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;

/**
 * What an advice parsed from the annotations of each method, per target class, parsed once
 * and looked up on every call. The usual call costs one map lookup and a class comparison:
 * the first target class seen per method is kept aside, so no key object is built for it.
 *
 * @param <T> the type of the parsed operation
 */
final class MethodOperationCache<T> {

	private static final Object NONE = new Object();

	private final BiFunction<Method, Class<?>, @Nullable T> parser;

	private final ConcurrentMap<MethodClassKey, Object> operations = new ConcurrentHashMap<>();

	private final ConcurrentMap<Method, FirstTarget> firstTargets = new ConcurrentHashMap<>();

	/**
	 * Creates a cache.
	 * @param parser parses the operation of a method on a target class, {@code null} when
	 * the method carries none; it may throw to refuse an annotation that cannot work
	 */
	MethodOperationCache(BiFunction<Method, Class<?>, @Nullable T> parser) {
		this.parser = parser;
	}

	/**
	 * Returns the operation of a method called on a target, parsing it on first use.
	 * @param method the invoked method
	 * @param target the target object, {@code null} for a static call
	 * @return the operation, or {@code null} if the method has none
	 */
	@SuppressWarnings("unchecked")
	@Nullable T get(Method method, @Nullable Object target) {
		Class<?> runtimeClass = (target != null) ? target.getClass() : method.getDeclaringClass();
		FirstTarget first = this.firstTargets.get(method);
		if (first != null && first.runtimeClass == runtimeClass) {
			return (T) first.operation;
		}
		T operation = get(method, (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass());
		this.firstTargets.putIfAbsent(method, new FirstTarget(runtimeClass, operation));
		return operation;
	}

	/**
	 * Returns the operation of a method on a target class, parsing it on first use.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @return the operation, or {@code null} if the method has none
	 */
	@SuppressWarnings("unchecked")
	@Nullable T get(Method method, Class<?> targetClass) {
		Object parsed = this.operations.computeIfAbsent(new MethodClassKey(method, targetClass), (key) -> {
			T operation = this.parser.apply(method, targetClass);
			return (operation != null) ? operation : NONE;
		});
		return (parsed != NONE) ? (T) parsed : null;
	}

	private record FirstTarget(Class<?> runtimeClass, @Nullable Object operation) {
	}

}
