package dev.tiergate.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Parses the annotations of an advice on every singleton bean once all of them exist, so
 * that an annotation that cannot work fails the application at startup, naming the method,
 * instead of failing its first call.
 */
public abstract class AnnotatedMethodValidator implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final List<Class<? extends Annotation>> annotationTypes;

	private final BiPredicate<Method, Class<?>> annotated;

	private final BiConsumer<Method, Class<?>> validation;

	/**
	 * Creates a validator.
	 * @param beanFactory the bean factory whose beans to check
	 * @param annotationTypes the annotations of the advice
	 * @param annotated tells whether a method of a target class carries them
	 * @param validation parses them, throwing if they cannot work
	 */
	protected AnnotatedMethodValidator(ConfigurableListableBeanFactory beanFactory,
			List<Class<? extends Annotation>> annotationTypes, BiPredicate<Method, Class<?>> annotated,
			BiConsumer<Method, Class<?>> validation) {
		this.beanFactory = beanFactory;
		this.annotationTypes = annotationTypes;
		this.annotated = annotated;
		this.validation = validation;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			if (!this.beanFactory.containsSingleton(name)) {
				continue;
			}
			Object bean = this.beanFactory.getSingleton(name);
			if (bean == null) {
				continue;
			}
			Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
			if (this.annotationTypes.stream().noneMatch((type) -> AnnotationUtils.isCandidateClass(targetClass, type))) {
				continue;
			}
			ReflectionUtils.doWithMethods(targetClass, (method) -> {
				if (this.annotated.test(method, targetClass)) {
					this.validation.accept(method, targetClass);
				}
			}, ReflectionUtils.USER_DECLARED_METHODS);
		}
	}

}
