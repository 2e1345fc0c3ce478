package dev.tiergate.cache.warmup.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tiergate.cache.warmup.CacheWarmer;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import dev.tiergate.interceptor.AnnotatedMethod;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds the bean methods annotated with {@link TieredCacheWarmer} as the beans are
 * initialised, and turns each into a {@link CacheWarmer} that calls it on the bean (through
 * its proxies, if any). A method that takes parameters or does not return a
 * {@code Map<K, V>} with a declared value type fails the startup, naming the method.
 */
public final class TieredCacheWarmerMethods implements BeanPostProcessor {

	private final List<CacheWarmer> warmers = new CopyOnWriteArrayList<>();

	private final Set<Class<?>> withoutWarmers = ConcurrentHashMap.newKeySet();

	/**
	 * Returns the warmers found so far: after startup, those of every initialised bean.
	 * @return the warmers
	 */
	public List<CacheWarmer> warmers() {
		return Collections.unmodifiableList(this.warmers);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.withoutWarmers.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, TieredCacheWarmer.class)) {
			return bean;
		}
		Map<Method, TieredCacheWarmer> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<TieredCacheWarmer>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, TieredCacheWarmer.class));
		if (annotated.isEmpty()) {
			this.withoutWarmers.add(targetClass);
			return bean;
		}
		annotated.forEach((method, annotation) -> this.warmers
			.add(warmer(bean, AnnotatedMethod.of(method, targetClass), annotation)));
		return bean;
	}

	private static CacheWarmer warmer(Object bean, AnnotatedMethod annotated, TieredCacheWarmer annotation) {
		Method method = annotated.method();
		if (annotation.value().isBlank()) {
			throw annotated.invalid("@TieredCacheWarmer names no cache", "Name the cache to warm, for example"
					+ " @TieredCacheWarmer(\"products\").");
		}
		if (method.getParameterCount() > 0) {
			throw annotated.invalid("@TieredCacheWarmer needs a method without parameters, but this one has "
					+ method.getParameterCount(), "Remove the parameters: the warm-up calls the method with none.");
		}
		ResolvableType returned = ResolvableType.forMethodReturnType(method, annotated.targetClass());
		if (!Map.class.isAssignableFrom(returned.toClass())) {
			throw annotated.invalid("@TieredCacheWarmer needs a method returning Map<K, V>, but this one returns "
					+ returned, "Return the entries to load as a Map from cache key to value.");
		}
		Type valueType = valueType(returned.asMap().getGeneric(1));
		if (valueType == null) {
			throw annotated.invalid("@TieredCacheWarmer needs the Map's value type, but this method returns "
					+ returned, "Declare the type the cached methods return, for example Map<Long, Product>.");
		}
		return new MethodCacheWarmer(bean, annotated, annotation.value(), valueType);
	}

	/** The declared value type, or a class it resolves to; {@code null} when undeclared. */
	private static @Nullable Type valueType(ResolvableType generic) {
		Type type = generic.getType();
		if (!(type instanceof TypeVariable<?>) && !(type instanceof WildcardType)) {
			return (generic.resolve() != null && type != Object.class) ? type : null;
		}
		Class<?> resolved = generic.resolve();
		return (resolved != null && resolved != Object.class) ? resolved : null;
	}

}
