package dev.tiergate.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;

/**
 * The annotations of an advice that apply to a method called on a target class, found
 * in the order Spring's cache and transaction annotation sources document: the first of
 * these places that declares any of them wins, and its declarations replace those of the
 * places after it instead of adding up:
 * <ol>
 * <li>the method on the target class, then the methods it overrides in superclasses,
 * nearest first;</li>
 * <li>the target class, then its superclasses;</li>
 * <li>the interface methods it implements, nearest first;</li>
 * <li>the interfaces of the target class.</li>
 * </ol>
 * Annotations on a class or an interface cover its public instance methods only, as
 * Spring's do; {@link Object}'s methods are never covered.
 * Within the place that wins, every declaration counts: direct, as a meta-annotation of
 * a composed annotation, and inside a {@link java.lang.annotation.Repeatable} container.
 *
 * @param place where the annotations were found
 * @param annotations the annotations found there, in declaration order
 */
public record DeclaredAnnotations(Place place, List<MergedAnnotation<Annotation>> annotations) {

	private static final DeclaredAnnotations NONE = new DeclaredAnnotations(Place.NOWHERE, List.of());

	/**
	 * Finds the annotations of the given types that apply to a method.
	 * @param method the method, possibly declared on an interface or a superclass
	 * @param targetClass the class of the target
	 * @param types the annotation types of the advice
	 * @return the annotations, empty when the method carries none
	 */
	public static DeclaredAnnotations find(Method method, Class<?> targetClass,
			Set<Class<? extends Annotation>> types) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		// One search of the method's hierarchy and one of the class's, each split into
		// classes and interfaces: a method not overridden from an interface counts as
		// the method itself.
		List<MergedAnnotation<Annotation>> onMethods = search(specific, types);
		List<MergedAnnotation<Annotation>> found = nearest(onMethods,
				(source) -> source.equals(specific) || !declaredOnInterface(source));
		if (!found.isEmpty()) {
			return new DeclaredAnnotations(Place.METHOD, found);
		}
		List<MergedAnnotation<Annotation>> onTypes = coveredByTypeAnnotations(specific) ? search(targetClass, types)
				: List.of();
		found = nearest(onTypes, (source) -> !declaredOnInterface(source));
		if (!found.isEmpty()) {
			return new DeclaredAnnotations(Place.CLASS, found);
		}
		found = nearest(onMethods, DeclaredAnnotations::declaredOnInterface);
		if (!found.isEmpty()) {
			return new DeclaredAnnotations(Place.INTERFACE_METHOD, found);
		}
		found = nearest(onTypes, DeclaredAnnotations::declaredOnInterface);
		if (!found.isEmpty()) {
			return new DeclaredAnnotations(Place.INTERFACE, found);
		}
		return NONE;
	}

	private static boolean coveredByTypeAnnotations(Method method) {
		return Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
				&& method.getDeclaringClass() != Object.class && !method.isSynthetic();
	}

	private static List<MergedAnnotation<Annotation>> search(AnnotatedElement element,
			Set<Class<? extends Annotation>> types) {
		return MergedAnnotations.from(element, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.standardRepeatables())
			.stream()
			.filter((annotation) -> types.contains(annotation.getType()))
			.toList();
	}

	private static boolean declaredOnInterface(Object source) {
		Class<?> declaring = (source instanceof Method declared) ? declared.getDeclaringClass() : (Class<?>) source;
		return declaring.isInterface();
	}

	// The annotations of the nearest method or class that carries any, among those the
	// filter accepts: one aggregate of a MergedAnnotations search is one element of the
	// hierarchy, numbered from the nearest.
	private static List<MergedAnnotation<Annotation>> nearest(List<MergedAnnotation<Annotation>> annotations,
			Predicate<Object> source) {
		int nearest = Integer.MAX_VALUE;
		for (MergedAnnotation<Annotation> annotation : annotations) {
			Object where = annotation.getSource();
			if (where != null && source.test(where)) {
				nearest = Math.min(nearest, annotation.getAggregateIndex());
			}
		}
		int aggregate = nearest;
		return annotations.stream().filter((annotation) -> annotation.getAggregateIndex() == aggregate).toList();
	}

	/**
	 * Returns whether no annotation applies.
	 * @return whether the method carries none
	 */
	public boolean isEmpty() {
		return this.annotations.isEmpty();
	}

	/**
	 * Returns the annotations of one type, synthesized with the attributes that composed
	 * annotations give them.
	 * @param <A> the annotation type
	 * @param type the annotation type
	 * @return the annotations of that type, in declaration order
	 */
	public <A extends Annotation> List<A> get(Class<A> type) {
		return this.annotations.stream()
			.filter((annotation) -> annotation.getType() == type)
			.map((annotation) -> type.cast(annotation.synthesize()))
			.toList();
	}

	/**
	 * Names the annotation types found, for error messages, for example
	 * {@code @TieredCacheable, @TieredCacheEvict}.
	 * @return the names
	 */
	public String types() {
		return this.annotations.stream()
			.map((annotation) -> "@" + annotation.getType().getSimpleName())
			.distinct()
			.collect(Collectors.joining(", "));
	}

	/**
	 * Names the annotations written on the element that declare the ones found, for error
	 * messages, for example {@code @CachedProduct, @TieredCacheEvict}.
	 * @return the names
	 */
	public String declaredAs() {
		return declaredAs(this.annotations);
	}

	/**
	 * Names the annotations written on the element that declare those of one type, for
	 * error messages.
	 * @param type the annotation type
	 * @return the names
	 * @see #declaredAs()
	 */
	public String declaredAs(Class<? extends Annotation> type) {
		return declaredAs(this.annotations.stream().filter((annotation) -> annotation.getType() == type).toList());
	}

	private static String declaredAs(List<MergedAnnotation<Annotation>> annotations) {
		return annotations.stream()
			.map((annotation) -> "@" + annotation.getRoot().getType().getSimpleName())
			.distinct()
			.collect(Collectors.joining(", "));
	}

	/** Where the annotations that apply were found. */
	public enum Place {

		/** On the method or a superclass method it overrides. */
		METHOD,

		/** On the target class or a superclass. */
		CLASS,

		/** On an interface method the method implements. */
		INTERFACE_METHOD,

		/** On an interface of the target class. */
		INTERFACE,

		/** Nowhere: the method carries none. */
		NOWHERE;

		/**
		 * Returns whether this place is a class or an interface rather than a method.
		 * @return whether the annotations are declared on a type
		 */
		public boolean isType() {
			return this == CLASS || this == INTERFACE;
		}

	}

}
