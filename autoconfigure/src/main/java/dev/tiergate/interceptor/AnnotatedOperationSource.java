package dev.tiergate.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

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
	 * Returns where the key of a call comes from: all arguments when the key expression is
	 * blank, one argument when it names one, the expression otherwise (parsed once).
	 * @param method the method
	 * @param annotation names the annotation in messages, for example {@code @TieredCacheable}
	 * @param key the key expression of the annotation
	 * @param result whether the key may read {@code #result}
	 * @return the key source
	 * @throws dev.tiergate.TiergateConfigurationException if the expression cannot work
	 */
	protected final KeySource parseKey(AnnotatedMethod method, String annotation, String key, ResultVariable result) {
		return this.expressions.keySource(method, annotation, key, result);
	}

	/**
	 * Parses an expression attribute of an annotation, if it is set.
	 * @param method the method
	 * @param annotation names the annotation in messages
	 * @param attribute names the attribute in messages, for example {@code condition}
	 * @param expression the expression, blank when not set
	 * @param result whether the expression may read {@code #result}
	 * @return the parsed expression, or {@code null} when blank
	 * @throws dev.tiergate.TiergateConfigurationException if the expression cannot work
	 */
	protected final @Nullable Expression parseExpression(AnnotatedMethod method, String annotation,
			String attribute, String expression, ResultVariable result) {
		return this.expressions.parseIfPresent(method, annotation, attribute, expression, result);
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

	/**
	 * Whether an expression may read {@code #result}, and what to do without it where it
	 * may not.
	 *
	 * @param available whether the result exists when the expression is evaluated
	 * @param otherwise how to fix an expression that reads it where it does not exist
	 */
	public record ResultVariable(boolean available, String otherwise) {

		/** The result exists: after the invocation. */
		public static final ResultVariable AVAILABLE = new ResultVariable(true, "");

		/**
		 * The result does not exist yet.
		 * @param otherwise how to fix an expression that reads it
		 * @return the result variable
		 */
		public static ResultVariable unavailable(String otherwise) {
			return new ResultVariable(false, otherwise);
		}

	}

}
