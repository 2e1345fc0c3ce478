package dev.tiergate.ratelimit.interceptor;

import dev.tiergate.ratelimit.RateLimited;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Parses {@code @RateLimited} on every singleton bean once all of them exist, so that an
 * annotation that cannot work (an unknown tier, a bad expression, a cost above the
 * capacity) fails the application at startup, naming the method, instead of its first
 * call.
 */
public final class RateLimitMethodValidator implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final RateLimitOperationSource operationSource;

	/**
	 * Creates a validator.
	 * @param beanFactory the bean factory whose beans to check
	 * @param operationSource the source that parses the annotations
	 */
	public RateLimitMethodValidator(ConfigurableListableBeanFactory beanFactory,
			RateLimitOperationSource operationSource) {
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
			if (!AnnotationUtils.isCandidateClass(targetClass, RateLimited.class)) {
				continue;
			}
			ReflectionUtils.doWithMethods(targetClass, (method) -> {
				if (RateLimitOperationSource.isAnnotated(method, targetClass)) {
					this.operationSource.validate(method, targetClass);
				}
			}, ReflectionUtils.USER_DECLARED_METHODS);
		}
	}

}
