package dev.tiergate.interceptor;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Parses the annotations of an advice on every singleton bean once all of them exist, so
 * that an annotation that cannot work fails the application at startup, naming the method,
 * instead of failing its first call. Created by
 * {@link AnnotatedMethodAdvisor#methodValidator}.
 */
final class AnnotatedMethodValidator implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final AnnotatedOperationSource<?> operationSource;

	/**
	 * Creates a validator.
	 * @param beanFactory the bean factory whose beans to check
	 * @param operationSource parses the annotations, throwing if they cannot work
	 */
	AnnotatedMethodValidator(ConfigurableListableBeanFactory beanFactory,
			AnnotatedOperationSource<?> operationSource) {
		this.beanFactory = beanFactory;
		this.operationSource = operationSource;
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
			if (this.operationSource.annotationTypes()
				.stream()
				.noneMatch((type) -> AnnotationUtils.isCandidateClass(targetClass, type))) {
				continue;
			}
			ReflectionUtils.doWithMethods(targetClass, (method) -> {
				if (this.operationSource.isAnnotated(method, targetClass)) {
					this.operationSource.validate(method, targetClass);
				}
			}, ReflectionUtils.USER_DECLARED_METHODS);
		}
	}

}
