package dev.tiergate.aot;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers, for every bean whose class has methods annotated with tiergate's annotations,
 * what those methods need at run time without reflection metadata of their own: the
 * methods themselves (the advice calls them reflectively), and JSON binding of the values
 * that go to Redis, which are the declared return types of {@code @TieredCacheable} and
 * {@code @TieredCachePut} methods (their content for an {@code Optional}), and of the
 * parameters that keys and expressions read, whose public methods expressions may call
 * (those of the JDK's own types are not registered). Known only for beans whose class declares
 * the annotated methods: a bean defined by a factory method that returns an interface is
 * seen as the interface.
 */
class TiergateBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		List<Method> methods = annotatedMethods(beanClass);
		if (methods.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> registerHints(generationContext.getRuntimeHints().reflection(), methods);
	}

	static List<Method> annotatedMethods(Class<?> beanClass) {
		if (TiergateRuntimeHints.ANNOTATIONS.stream()
			.noneMatch((type) -> AnnotationUtils.isCandidateClass(beanClass, type))) {
			return List.of();
		}
		List<Method> methods = new ArrayList<>();
		ReflectionUtils.doWithMethods(beanClass, (method) -> {
			if (isAnnotated(method)) {
				methods.add(method);
			}
		}, ReflectionUtils.USER_DECLARED_METHODS);
		return methods;
	}

	private static boolean isAnnotated(Method method) {
		for (Class<? extends Annotation> type : TiergateRuntimeHints.ANNOTATIONS) {
			if (AnnotatedElementUtils.hasAnnotation(method, type)) {
				return true;
			}
		}
		return false;
	}

	static void registerHints(ReflectionHints hints, List<Method> methods) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (Method method : methods) {
			hints.registerMethod(method, ExecutableMode.INVOKE);
			// Keys are written to Redis as JSON.
			binding.registerReflectionHints(hints, method.getGenericParameterTypes());
			for (Class<?> parameterType : method.getParameterTypes()) {
				registerForExpressions(hints, parameterType);
			}
			if (AnnotatedElementUtils.hasAnnotation(method, TieredCacheable.class)
					|| AnnotatedElementUtils.hasAnnotation(method, TieredCachePut.class)) {
				binding.registerReflectionHints(hints, storedType(method));
				registerForExpressions(hints, method.getReturnType());
			}
			if (AnnotatedElementUtils.hasAnnotation(method, TieredCacheWarmer.class)) {
				// The entries it returns are written to Redis as JSON, keys and values.
				binding.registerReflectionHints(hints, method.getGenericReturnType());
			}
		}
	}

	/**
	 * Expressions such as {@code #request.cost()} or {@code #result.id()} call any public
	 * method, not only the properties JSON binding sees. The JDK's own types are left out.
	 */
	private static void registerForExpressions(ReflectionHints hints, Class<?> type) {
		Class<?> userType = type.isArray() ? type.getComponentType() : type;
		if (userType.isPrimitive() || userType.getName().startsWith("java.")) {
			return;
		}
		hints.registerType(userType, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

	/** The type of the JSON in Redis: the return type, or what an {@code Optional} holds. */
	private static Type storedType(Method method) {
		ResolvableType returnType = ResolvableType.forMethodReturnType(method);
		if (returnType.toClass() == Optional.class) {
			return returnType.getGeneric(0).getType();
		}
		return method.getGenericReturnType();
	}

}
