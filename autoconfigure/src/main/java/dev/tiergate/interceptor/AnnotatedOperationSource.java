package dev.tiergate.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Reads the annotations of an advice into operations, once per method and target class,
 * so that a call does none of that work. An annotation that cannot work is reported with
 * a {@link dev.tiergate.TiergateConfigurationException} naming the method.
 *
 * @param <T> the type of the operations
 */
public abstract class AnnotatedOperationSource<T extends MethodOperation> {

	private final Set<Class<? extends Annotation>> annotationTypes;

	private final MethodExpressions expressions;

	private final MethodOperationCache<T> operations = new MethodOperationCache<>(this::parse);

	/**
	 * Creates a source.
	 * @param annotationTypes the annotations of the advice
	 * @param classLoader the class loader for compiled expressions
	 */
	protected AnnotatedOperationSource(Set<Class<? extends Annotation>> annotationTypes,
			@Nullable ClassLoader classLoader) {
		this.annotationTypes = annotationTypes;
		this.expressions = new MethodExpressions(classLoader);
	}

	/**
	 * Returns the annotations this source reads.
	 * @return the annotation types
	 */
	public final Set<Class<? extends Annotation>> annotationTypes() {
		return this.annotationTypes;
	}

	/**
	 * Returns whether a method carries one of the annotations: on the method, on a
	 * method it overrides or implements, on its class or interface, or as a
	 * meta-annotation. The most specific declaration wins, as {@link DeclaredAnnotations}
	 * describes.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @return whether the method is annotated
	 */
	public final boolean isAnnotated(Method method, Class<?> targetClass) {
		return !DeclaredAnnotations.find(method, targetClass, this.annotationTypes).isEmpty();
	}

	/**
	 * Returns the operation of a method called on a target, parsing it on first use. The
	 * usual call costs one map lookup and a class comparison.
	 * @param method the invoked method
	 * @param target the target object, {@code null} for a static call
	 * @return the operation, or {@code null} if the method is not annotated
	 * @throws dev.tiergate.TiergateConfigurationException if an annotation cannot work on
	 * the method
	 */
	public final @Nullable T get(Method method, @Nullable Object target) {
		return this.operations.get(method, target);
	}

	/**
	 * Parses and checks the annotations of a method, for validation at startup.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @throws dev.tiergate.TiergateConfigurationException if an annotation cannot work on
	 * the method
	 */
	public final void validate(Method method, Class<?> targetClass) {
		this.operations.get(method, targetClass);
	}

	/**
	 * Returns the expressions of this source's annotations.
	 * @return the expressions
	 */
	protected final MethodExpressions expressions() {
		return this.expressions;
	}

	/**
	 * Parses the annotations of a method that carries some.
	 * @param declared the annotations that apply
	 * @param method the method
	 * @return the operation
	 * @throws dev.tiergate.TiergateConfigurationException if an annotation cannot work on
	 * the method
	 */
	protected abstract T parse(DeclaredAnnotations declared, AnnotatedMethod method);

	private @Nullable T parse(Method method, Class<?> targetClass) {
		DeclaredAnnotations declared = DeclaredAnnotations.find(method, targetClass, this.annotationTypes);
		return declared.isEmpty() ? null : parse(declared, AnnotatedMethod.of(method, targetClass));
	}

}
